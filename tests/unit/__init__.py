"""No model, no subprocess, no server: pure logic, parsers, the HTTP edge without an index. Seconds."""
