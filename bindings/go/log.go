package facenative

/*
#include <stdlib.h>
#include "facenative.h"

// Declarations only: this file has an //export, so its preamble may not define anything.
extern void goFaceLog(int level, char *message, void *user_data);
*/
import "C"

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Log levels of SetLogCallback.
const (
	LogDebug   = int(C.FACE_LOG_DEBUG)
	LogInfo    = int(C.FACE_LOG_INFO)
	LogWarning = int(C.FACE_LOG_WARNING)
	LogError   = int(C.FACE_LOG_ERROR)
)

type logFunc = func(level int, message string)

var (
	logMu   sync.Mutex // orders SetLogCallback calls
	logSink atomic.Value
)

// SetLogCallback installs fn as the process-wide log sink for messages at minLevel and above;
// nil removes it. The library is silent until one is installed. fn may be called from any
// goroutine that is inside a library call, and from several at once.
func SetLogCallback(fn func(level int, message string), minLevel int) error {
	logMu.Lock()
	defer logMu.Unlock()
	logSink.Store(logFunc(fn))
	var callback C.face_log_fn
	if fn != nil {
		callback = C.face_log_fn(unsafe.Pointer(C.goFaceLog))
	}
	return call(func() C.int { return C.face_set_log_callback(callback, C.int(minLevel), nil) })
}

//export goFaceLog
func goFaceLog(level C.int, message *C.char, _ unsafe.Pointer) {
	if fn, _ := logSink.Load().(logFunc); fn != nil {
		fn(int(level), C.GoString(message))
	}
}
