"""The load driver: the real bot process(es) against the fake Bot API, with simulated users.

workload.py plans who sends what and when; articles.py makes the texts and the news site's
pages; botproc.py starts, kills and stops the bot (one polling process, or webhook replicas);
driver.py sends the plan open loop and waits for answers; procfs.py reads memory and CPU;
analysis.py and report.py turn the recorded calls into figures; run.py ties one run together;
cli.py is the command line that bench/load.py runs.
"""
