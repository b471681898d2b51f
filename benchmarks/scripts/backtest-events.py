#!/usr/bin/env python3
"""JSON Lines for the end-to-end backtest memory bound (docs/benchmarks.md, "Backtests"): N regression events,
d = 20, keys k00000.. round-robin (the "model" field, which `streamlearn produce` uses as the record key).

    python3 benchmarks/scripts/backtest-events.py events.jsonl [events=1000000] [keys=10000]
"""
import random
import sys

events = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
keys = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
d = 20
random.seed(42)
w = [random.gauss(0, 1) / d ** 0.5 for _ in range(d)]
with open(sys.argv[1], "w") as f:
    for i in range(events):
        x = [random.gauss(0, 1) for _ in range(d)]
        y = 0.5 + sum(a * b for a, b in zip(w, x)) + 0.1 * random.gauss(0, 1)
        f.write('{"model":"k%05d","features":[%s],"label":%.6f}\n'
                % (i % keys, ",".join("%.5f" % v for v in x), y))
