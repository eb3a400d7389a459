#!/bin/sh
# Start the bot inside a memory cgroup of its own, so that the load benchmark can read the
# process tree's memory as a container's limit counts it (each page once):
#   python bench/load.py --rates 20,40 --messages 300 --bot-command "$PWD/bench/cgroup_bot.sh"
#   cat /sys/fs/cgroup/memory/ringkas-bench/memory.max_usage_in_bytes
# cgroup v1 with a writable memory hierarchy (root). The peak is reset at each start.
group=/sys/fs/cgroup/memory/ringkas-bench
mkdir -p "$group" || exit 1
echo 0 > "$group/memory.max_usage_in_bytes"
echo $$ > "$group/cgroup.procs" || exit 1
exec python -m bot run
