"""Build time: node tables, connection batches, and the flat arrays the engine runs on."""
