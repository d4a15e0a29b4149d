"""The MCP edge: the tools (`tools`), served over stdio (`stdio`) and over HTTP (`rag.http.mcp`), the connector
profile (`connector`), the links both profiles give (`links`) and the answers to requests the SDK refuses
(`requests`); no HTTP app here."""
