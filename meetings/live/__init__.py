"""The live room's WebSocket interface: consumers and their routes, at the views' layer."""
