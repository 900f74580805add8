// The Go example app: cdk-rust from a Go CDK app, through the Go module that `npm run package` writes to
// dist/go/cdkrust (go.mod replaces the module path with that folder).
//
// The greeter crate (the same one as the TypeScript example examples/plain-function.ts) as a RustFunction, with an
// error-rate alarm at 10% instead of the default 5%. Run it with `cdk synth` in this folder (cdk.json runs
// `go run .`); the output directory is CDK_OUTDIR when set (App reads it by itself). The test suite runs it too and
// checks that its template equals the one TypeScript synthesizes from the same constructs
// (test/languages/go.e2e.test.ts).
package main

import (
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-rust/cdk-rust-go/cdkrust"
)

// GreeterManifest is examples/greeter/Cargo.toml, relative to this folder (where cdk and the tests run the app).
func GreeterManifest() string {
	manifest, err := filepath.Abs(filepath.Join("..", "greeter", "Cargo.toml"))
	if err != nil {
		panic(err)
	}
	return manifest
}

// NewGoExampleStack is the stack: one Rust function.
func NewGoExampleStack(scope constructs.Construct, id string) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), nil)

	cdkrust.NewRustFunction(stack, jsii.String("Greeter"), &cdkrust.RustFunctionProps{
		ManifestPath: jsii.String(GreeterManifest()),
		// ErrorRateAlarm is typed interface{} (a TypeScript union): options as here, or false for no alarm. Go's
		// compiler accepts anything; another type is refused when the app runs.
		ErrorRateAlarm: &cdkrust.ErrorRateAlarmOptions{Threshold: jsii.Number(10)},
	})

	return stack
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	NewGoExampleStack(app, "CdkRustGo")
	app.Synth(nil)
}
