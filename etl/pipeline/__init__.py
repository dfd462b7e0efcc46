"""The run: stages of one source and interval as a stream of batches, extraction workers, quality checks."""
