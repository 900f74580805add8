package com.example.cdkrust;

import io.github.cdkrust.RustBundlingOptions;
import io.github.cdkrust.RustFunction;
import software.amazon.awscdk.Stack;

/**
 * Bad input from Java, for test/languages/java.e2e.test.ts: a profile name Cargo cannot have. Prints the class of
 * what was thrown on the first line and its message after it (exit status 0), or "raised nothing".
 */
public final class BadProfile {
    public static void main(final String[] args) {
        Stack stack = new Stack(new software.amazon.awscdk.App(), "Errors");
        try {
            RustFunction.Builder.create(stack, "BadProfile")
                    .manifestPath(App.exampleDir().resolve("../greeter/Cargo.toml").normalize().toString())
                    .bundling(RustBundlingOptions.builder().profile("fast build").build())
                    .build();
            System.out.println("raised nothing");
        } catch (RuntimeException error) {
            System.out.println("raised " + error.getClass().getName());
            System.out.println(error.getMessage());
        }
    }

    private BadProfile() {
    }
}
