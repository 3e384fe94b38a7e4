"""Evaluations and benchmarks: each takes its data folder as an argument and writes a report."""
