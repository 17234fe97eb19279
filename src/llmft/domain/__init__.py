"""The pure core: value types, conversion, routing, schemas and the tool-loop reducer (no I/O)."""
