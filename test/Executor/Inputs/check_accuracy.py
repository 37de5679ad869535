#!/usr/bin/python3
"""Checks an mpq-run "top-1: A (c/n)" line against examples/models/metrics.json.

Usage: check_accuracy.py METRICS.json MODEL OUTPUT.txt
Exits 1 unless the accuracy equals models[MODEL].test_accuracy_first256.
"""
import json
import re
import sys

metrics, model, output = sys.argv[1:4]
expected = json.load(open(metrics))["models"][model]["test_accuracy_first256"]
m = re.search(r"top-1: ([0-9.]+) \((\d+)/(\d+)\)", open(output).read())
if not m:
    print("no top-1 line in " + output)
    sys.exit(1)
correct, total = int(m.group(2)), int(m.group(3))
ok = total == 256 and abs(correct / total - expected) < 1e-9
print("%s %s: %d/%d, expected %.6f" %
      ("OK" if ok else "MISMATCH", model, correct, total, expected))
sys.exit(0 if ok else 1)
