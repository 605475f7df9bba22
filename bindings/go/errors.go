package facenative

import "fmt"

// Error is a failed library call: the C status code and the library's message.
// Compare with errors.Is against the Err* values:
//
//	if errors.Is(err, facenative.ErrNoFace) { ... }
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return "facenative: " + e.Message }

// Unwrap returns the sentinel for the status, so errors.Is(err, ErrNoFace) works.
func (e *Error) Unwrap() error { return sentinelFor(e.Status) }

type sentinel struct {
	status int
	name   string
}

func (s *sentinel) Error() string { return "facenative: " + s.name }

// One value per C status code (FACE_E_*).
var (
	ErrInvalidArgument  error = &sentinel{-1, "invalid argument"}
	ErrDecode           error = &sentinel{-2, "image could not be decoded"}
	ErrNoFace           error = &sentinel{-3, "no face found"}
	ErrModel            error = &sentinel{-4, "model missing or unusable"}
	ErrNoLivenessModel  error = &sentinel{-5, "no liveness model loaded"}
	ErrNoAttributeModel error = &sentinel{-6, "no age/gender model loaded"}
	ErrBufferTooSmall   error = &sentinel{-7, "output buffer too small"}
	ErrTooLarge         error = &sentinel{-8, "image too large"}
	ErrInternal         error = &sentinel{-9, "internal error"}
	// ErrAbiVersion: the library's face_abi_version() differs from AbiVersion.
	ErrAbiVersion error = &sentinel{-100, "library ABI version differs from the binding's"}
)

var sentinels = []error{
	ErrInvalidArgument, ErrDecode, ErrNoFace, ErrModel, ErrNoLivenessModel,
	ErrNoAttributeModel, ErrBufferTooSmall, ErrTooLarge, ErrInternal, ErrAbiVersion,
}

func sentinelFor(status int) error {
	for _, s := range sentinels {
		if s.(*sentinel).status == status {
			return s
		}
	}
	return ErrInternal
}

func newError(status int, message string) error {
	if message == "" {
		message = fmt.Sprintf("status %d", status)
	}
	return &Error{Status: status, Message: message}
}
