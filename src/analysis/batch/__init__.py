"""Batch run: runner, executors, papermill engine, kernels, failures, start-up imports."""
