"""The embedded HTTP listener (aiohttp): webhooks, the REST API and the interfaces."""
