"""What tests of every lane share: where things are (`paths`), the documents they make (`pdfs`, `word`), the batching
checks (`batching`) and the servers and corpus changes of the serving tests (`serving`)."""
