// Package checks reports the checks of the Go SDK v2 programs: one "ok <check>" or
// "FAIL <check>: why" line each (test/clients/go-v2.test.ts counts them).
package checks

import (
	"errors"
	"fmt"
	"os"

	"github.com/aws/smithy-go"
)

var failed = 0

// Check reports a check that holds when err is nil.
func Check(name string, err error) {
	if err != nil {
		failed++
		fmt.Printf("FAIL %s: %v\n", name, err)
	} else {
		fmt.Printf("ok %s\n", name)
	}
}

// Expect is nil when cond holds, else the error the format describes.
func Expect(cond bool, format string, args ...interface{}) error {
	if cond {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// APICode is the error code of an AWS API error, or "".
func APICode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Exit ends the program, with status 1 when a check failed.
func Exit() {
	if failed > 0 {
		os.Exit(1)
	}
}
