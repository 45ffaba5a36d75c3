// Hand-written: OkHttp 4 argument order, a text block, and a multipart builder.
OkHttpClient client = new OkHttpClient();
String json = """
    {"a": "line \\"quoted\\"",
     "b": 2}
    """;
RequestBody file = RequestBody.create("col1,col2\n", MediaType.parse("text/csv"));
RequestBody body = new MultipartBody.Builder()
  .setType(MultipartBody.FORM)
  .addFormDataPart("meta", json)
  .addFormDataPart("upload", "table.csv", file)
  .build();
Request request = new Request.Builder()
  .url("https://api.example.com/files?folder=" + "in%20box")
  .post(body)
  .addHeader("Authorization", "Bearer REPLACE_TOKEN")
  .build();
Response response = client.newCall(request).execute();
