"""The tiaojie terminal UI (Textual). Talks to the core's services only."""
