"""Synapse models that core provides."""
