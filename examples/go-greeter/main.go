// A Lambda function on the official aws-lambda-go runtime client: the Go twin of examples/greeter.
//
// Event: {"name": "Gopher"} (name optional). Response: {"message": "Hello, Gopher!"}.
// An event with "fail": true returns an error, which Lambda counts in the function's Errors
// metric, and so in cdk-rust's error-rate alarm.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Request is the event the function accepts.
type Request struct {
	Name *string `json:"name"`
	Fail bool    `json:"fail"`
}

// Response is what the function returns.
type Response struct {
	Message string `json:"message"`
}

// FailRequested is the function's own error: Lambda reports it with the errorType "FailRequested"
// (aws-lambda-go names the error after its Go type), as examples/greeter does in Rust.
type FailRequested struct{}

func (FailRequested) Error() string { return "the event asked this function to fail" }

// JSON logs on stdout, which Lambda keeps as they are when the function's logging format is JSON.
var logger = slog.New(slog.NewJSONHandler(os.Stdout, nil))

func greet(ctx context.Context, request Request) (Response, error) {
	if request.Fail {
		return Response{}, FailRequested{}
	}
	name := "world"
	if request.Name != nil {
		name = *request.Name
	}
	requestID := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	logger.InfoContext(ctx, "greeting", "name", name, "request_id", requestID)
	return Response{Message: "Hello, " + name + "!"}, nil
}

func main() {
	lambda.Start(greet)
}
