package main

import (
	"context"
	"errors"
	"testing"
)

func TestGreetsTheNamedOne(t *testing.T) {
	name := "Gopher"
	response, err := greet(context.Background(), Request{Name: &name})
	if err != nil || response.Message != "Hello, Gopher!" {
		t.Fatalf("got %+v, %v", response, err)
	}
}

func TestGreetsTheWorldByDefault(t *testing.T) {
	response, err := greet(context.Background(), Request{})
	if err != nil || response.Message != "Hello, world!" {
		t.Fatalf("got %+v, %v", response, err)
	}
}

func TestFailsWhenAsked(t *testing.T) {
	_, err := greet(context.Background(), Request{Fail: true})
	if !errors.As(err, &FailRequested{}) {
		t.Fatalf("got %v, want FailRequested", err)
	}
}
