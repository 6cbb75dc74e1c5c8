package io.tidemark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/** A finished CLI process: its exit code and its stdout and stderr as they interleaved. */
record CliResult(int exit, String output) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON document on stdout: the output from its first '{' or '[' (progress lines on stderr come before it). */
    JsonNode json() throws IOException {
        int brace = output.indexOf('{'), bracket = output.indexOf('[');
        int start = brace < 0 ? bracket : bracket < 0 ? brace : Math.min(brace, bracket);
        return JSON.readTree(output.substring(start));
    }
}
