// Package checks reports the checks of the Go SDK v1 programs: one "ok <check>" or
// "FAIL <check>: why" line each (test/clients/go-v1.test.ts reads them).
package checks

import (
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
)

// NewSession is the programs' session: Nimbus at endpoint in us-east-1, the test credentials, no
// retries (a retry would hide a refusal), S3 path-style when asked; GOV1_DEBUG logs every call.
func NewSession(endpoint string, pathStyle bool) *session.Session {
	cfg := aws.Config{
		Endpoint:    aws.String(endpoint),
		Region:      aws.String("us-east-1"),
		Credentials: credentials.NewStaticCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		MaxRetries:  aws.Int(0),
	}
	if pathStyle {
		cfg.S3ForcePathStyle = aws.Bool(true)
	}
	if os.Getenv("GOV1_DEBUG") != "" {
		cfg.LogLevel = aws.LogLevel(aws.LogDebugWithHTTPBody)
	}
	return session.Must(session.NewSession(&cfg))
}

var failed = false

// Check reports a check that holds when ok is true.
func Check(name string, ok bool, format string, args ...interface{}) {
	if ok {
		fmt.Println("ok " + name)
		return
	}
	failed = true
	fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, args...))
}

// NoErr reports a call that must succeed; it says whether it did.
func NoErr(name string, err error) bool {
	if err != nil {
		failed = true
		fmt.Printf("FAIL %s: %v\n", name, err)
		return false
	}
	fmt.Println("ok " + name)
	return true
}

// ReqFailure is an error's HTTP status, code, message and request id, as awserr carries them.
func ReqFailure(err error) (int, string, string, string) {
	if rf, ok := err.(awserr.RequestFailure); ok {
		return rf.StatusCode(), rf.Code(), rf.Message(), rf.RequestID()
	}
	return 0, "", fmt.Sprint(err), ""
}

// Exit ends the program, with status 1 when a check failed.
func Exit() {
	if failed {
		os.Exit(1)
	}
}
