package com.example.cdkrust;

import java.nio.file.Path;

import io.github.cdkrust.ErrorRateAlarmOptions;
import io.github.cdkrust.RustFunction;
import software.amazon.awscdk.Stack;
import software.constructs.Construct;

/**
 * The Java example app: the greeter crate (the same one as the TypeScript example examples/plain-function.ts) as a
 * RustFunction, with an error-rate alarm at 10% instead of the default 5%.
 *
 * <p>Run it with {@code cdk synth} in examples/java. The output directory is {@code CDK_OUTDIR} when set (App reads
 * it by itself), cdk.out otherwise.
 */
public final class App {
    /** examples/java: set by the exec-maven-plugin (see pom.xml), or the working directory. */
    static Path exampleDir() {
        return Path.of(System.getProperty("example.dir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** The stack: one Rust function. */
    static final class JavaExampleStack extends Stack {
        JavaExampleStack(final Construct scope, final String id) {
            super(scope, id);

            // The builder spells the props as TypeScript does. errorRateAlarm is overloaded: options as here, or false
            // for no alarm (true compiles, but is refused when the app runs).
            RustFunction.Builder.create(this, "Greeter")
                    .manifestPath(exampleDir().resolve("../greeter/Cargo.toml").normalize().toString())
                    .errorRateAlarm(ErrorRateAlarmOptions.builder().threshold(10).build())
                    .build();
        }
    }

    public static void main(final String[] args) {
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        new JavaExampleStack(app, "CdkRustJava");
        app.synth();
    }

    private App() {
    }
}
