"""What the engine's fair queue costs the event loop per request, as the backlog grows.

Every request to a worker lane asks the queue how long it would wait (admission) and, when a
worker frees, takes the next item (`service.fairness.FairQueue`). Both run on the bot's event
loop, so their cost is paid by every answer, cached ones included. This bench fills the queue
with `n` users' items (one each, as in the saturation scenario), then times `ahead_of_next`
for a newcomer and a pop followed by a push.

Usage (from the project root):
    python bench/fair_queue.py                          # this checkout
    python bench/fair_queue.py --project ../old-checkout  # another one, to compare
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def per_operation_us(queue_class: type, backlog: int, rounds: int) -> tuple[float, float]:
    try:
        queue = queue_class(group=lambda item: "compute_digest")
    except TypeError:  # a checkout from before the queue had groups
        queue = queue_class()
    for user in range(backlog):
        queue.push(user, user)
    started = time.perf_counter()
    for number in range(rounds):
        for _ in queue.ahead_of_next(-1 - number):
            pass
    ahead = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for number in range(rounds):
        queue.pop(lambda user: True)
        queue.push(backlog + number, number)
    turn = (time.perf_counter() - started) / rounds
    return ahead * 1e6, turn * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--backlogs", default="100,1000,3000")
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    sys.path.insert(0, str(args.project.resolve()))
    from service.fairness import FairQueue

    print(f"checkout: {args.project.resolve()}")
    print("backlog | wait estimate (us) | pop + push (us)")
    for backlog in (int(part) for part in args.backlogs.split(",")):
        ahead, turn = per_operation_us(FairQueue, backlog, args.rounds)
        print(f"{backlog:7d} | {ahead:18.1f} | {turn:15.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
