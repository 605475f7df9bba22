// Command verify compares the faces in two photos through the Go binding (bindings/go).
//
//	(cd examples/go && go build -o ../../dist/verify-go .) && dist/verify-go a.jpg b.jpg
//
// The binding links the repository's dist/lib; models come from $FACENATIVE_MODELS (or
// dist/models). Prints "distance=0.123456 verified=true"; on failure the message and exit 1.
package main

import (
	"fmt"
	"os"

	fn "github.com/facenative/facenative/bindings/go"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintf(os.Stderr, "usage: %s IMAGE1 IMAGE2\n", os.Args[0])
		os.Exit(2)
	}
	var images [2][]byte
	for i, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		images[i] = data
	}
	if err := verify(images[0], images[1]); err != nil {
		fail(err)
	}
}

func verify(a, b []byte) error {
	engine, err := fn.Load("pack: default")
	if err != nil {
		return err
	}
	defer engine.Close()
	r, err := engine.Verify(fn.Encoded(a), fn.Encoded(b), fn.VerifyOptions{})
	if err != nil {
		return err
	}
	fmt.Printf("distance=%.6f verified=%t\n", r.Distance, r.Verified)
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
