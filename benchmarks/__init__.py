"""Benchmarks: figures printed side by side with reference tools; never timed asserts in the test suite."""
