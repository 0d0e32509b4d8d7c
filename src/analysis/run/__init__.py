"""Entry point kept for `python -m analysis.run`; the runner is analysis.batch.runner."""
