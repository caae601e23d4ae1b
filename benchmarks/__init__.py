"""Speed and memory figures of ecozone, each measured side by side with a peer in one run.

Run everything with ``make bench`` (``python -m benchmarks.run``); see benchmarks/README.md.
"""
