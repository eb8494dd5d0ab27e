"""Local stand-ins for the services the built-in tools call: real sockets on 127.0.0.1, documented shapes."""
