package io.github.loadbalancer4j.okhttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The {@code http} of the docs' examples ("your HTTP client"): blocking and asynchronous calls that
 * answer the body of a 2xx response and fail otherwise, as most HTTP client wrappers do. Blocking
 * failures are {@link UncheckedIOException}s, so that a call fits a {@code Function}.
 */
final class Http implements AutoCloseable {

    private static final MediaType JSON = MediaType.get("application/json");

    private final OkHttpClient client = new OkHttpClient();

    String get(URI uri) {
        return send(new Request.Builder().url(uri.toString()).build());
    }

    String post(URI uri, String json) {
        return send(new Request.Builder().url(uri.toString()).post(RequestBody.create(json, JSON)).build());
    }

    CompletionStage<String> getAsync(URI uri) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        client.newCall(new Request.Builder().url(uri.toString()).build()).enqueue(new Callback() {
            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    answer.complete(bodyOf(response));
                } catch (IOException e) {
                    answer.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(Call call, IOException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    private String send(Request request) {
        try (Response response = client.newCall(request).execute()) {
            return bodyOf(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bodyOf(Response response) throws IOException {
        if (!response.isSuccessful()) {
            throw new IOException("HTTP " + response.code() + " from " + response.request().url());
        }
        return response.body().string();
    }

    @Override
    public void close() {
        Clients.shutdown(client);
    }
}
