// Bad input from Go, for test/languages/go.e2e.test.ts: a profile name Cargo cannot have. cdk-rust's error
// reaches Go as a panic; this prints the panic value's type on the first line and its text after it (exit status
// 0), or "raised nothing". Run it from examples/go: `go run ./cmd/badprofile`.
package main

import (
	"fmt"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-rust/cdk-rust-go/cdkrust"
)

func main() {
	defer jsii.Close()

	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Errors"), nil)
	manifest, _ := filepath.Abs(filepath.Join("..", "greeter", "Cargo.toml"))
	defer func() {
		if raised := recover(); raised != nil {
			fmt.Printf("raised %T\n%v\n", raised, raised)
		}
	}()
	cdkrust.NewRustFunction(stack, jsii.String("BadProfile"), &cdkrust.RustFunctionProps{
		ManifestPath: jsii.String(manifest),
		Bundling:     &cdkrust.RustBundlingOptions{Profile: jsii.String("fast build")},
	})
	fmt.Println("raised nothing")
}
