"""Adapters that run the same per-record function on existing engines: Ray Data, datatrove, Spark."""
