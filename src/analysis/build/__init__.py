"""Processed data: the observation table per gemeente (generations), monitors, gemeenten, coverage, judgements."""
