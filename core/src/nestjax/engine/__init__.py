"""Run time: the compiled step loop, ring buffers, event delivery and recording buffers."""
