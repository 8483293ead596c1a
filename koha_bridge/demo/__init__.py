"""The bundled sample school: a store as ``pull`` would fill it, for the demo and the docs."""
