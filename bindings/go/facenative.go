// Package facenative binds libfacenative.so (include/facenative.h): face detection,
// embedding, verification and analysis. Standard library only.
//
// Building links against the repository's dist/lib (run ./build.sh first); elsewhere set
// CGO_CFLAGS=-I<include dir> and CGO_LDFLAGS="-L<lib dir> -Wl,-rpath,<lib dir>".
//
// An Engine is safe for concurrent use by many goroutines. The library is silent unless a
// log callback is installed with SetLogCallback.
package facenative

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../dist/lib -lfacenative -Wl,-rpath,${SRCDIR}/../../dist/lib
#include <stdint.h>
#include <stdlib.h>
#include "facenative.h"

// Shims: the engine travels as an integer (it is a table key, not an address Go should
// trace) and each image as plain arguments, so no Go pointer is ever stored inside a struct
// handed to C (cgo's pointer rules).

static face_engine *fn_engine(uintptr_t e) { return (face_engine *)e; }

static int fn_load(const char *config, uintptr_t *out) {
  face_engine *e = NULL;
  int status = face_load(config, &e);
  *out = (uintptr_t)e;
  return status;
}

static void fn_free(uintptr_t e) { face_free(fn_engine(e)); }

static int fn_info(uintptr_t e, face_engine_info *out) {
  return face_engine_get_info(fn_engine(e), out);
}

static int fn_detect(uintptr_t e, const void *data, size_t size, int32_t format, int32_t width,
                     int32_t height, int32_t stride, float threshold, face_detection *faces,
                     size_t capacity, size_t *count) {
  face_image img = {data, size, format, width, height, stride};
  return face_detect(fn_engine(e), &img, threshold, faces, capacity, count);
}

static int fn_embed(uintptr_t e, const void *data, size_t size, int32_t format, int32_t width,
                    int32_t height, int32_t stride, float *embedding, size_t capacity,
                    size_t *dim, face_detection *face) {
  face_image img = {data, size, format, width, height, stride};
  return face_embed(fn_engine(e), &img, embedding, capacity, dim, face);
}

static int fn_verify(uintptr_t e, const void *data1, size_t size1, int32_t format1,
                     int32_t width1, int32_t height1, int32_t stride1, const void *data2,
                     size_t size2, int32_t format2, int32_t width2, int32_t height2,
                     int32_t stride2, float threshold, int flags, face_verify_result *out) {
  face_image a = {data1, size1, format1, width1, height1, stride1};
  face_image b = {data2, size2, format2, width2, height2, stride2};
  return face_verify(fn_engine(e), &a, &b, threshold, flags, out);
}

static int fn_verify_embeddings(uintptr_t e, const float *a, const float *b, size_t dim,
                                float threshold, face_verify_result *out) {
  return face_verify_embeddings(fn_engine(e), a, b, dim, threshold, out);
}

static int fn_analyze(uintptr_t e, const void *data, size_t size, int32_t format, int32_t width,
                      int32_t height, int32_t stride, int flags, face_analysis_result **out) {
  face_image img = {data, size, format, width, height, stride};
  return face_analyze(fn_engine(e), &img, flags, out);
}

static face_analysis *fn_analysis_at(face_analysis_result *r, size_t i) { return &r->faces[i]; }
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// AbiVersion is the FACE_ABI_VERSION this binding was written against; Load refuses a
// library reporting another.
const AbiVersion = 1

// PixelFormat says how Image.Data is laid out.
type PixelFormat int32

// Image formats: an encoded file (JPEG, PNG, WebP, BMP) or a raw pixel layout.
const (
	FormatEncoded PixelFormat = C.FACE_IMAGE_ENCODED
	FormatBGR24   PixelFormat = C.FACE_PIXEL_BGR24
	FormatRGB24   PixelFormat = C.FACE_PIXEL_RGB24
	FormatRGBA32  PixelFormat = C.FACE_PIXEL_RGBA32
	FormatGray8   PixelFormat = C.FACE_PIXEL_GRAY8
	FormatBGRA32  PixelFormat = C.FACE_PIXEL_BGRA32
)

// Image is an input image; the library reads Data during the call only.
type Image struct {
	Data   []byte
	Format PixelFormat
	Width  int
	Height int
	Stride int // bytes from one row's start to the next; 0 = packed
}

// Encoded wraps the bytes of an image file.
func Encoded(data []byte) Image { return Image{Data: data, Format: FormatEncoded} }

// Pixels wraps a raw pixel buffer.
func Pixels(data []byte, width, height, stride int, format PixelFormat) Image {
	return Image{Data: data, Format: format, Width: width, Height: height, Stride: stride}
}

// Box is a face box in image pixels (x right, y down), not clipped to the image.
type Box struct{ X1, Y1, X2, Y2 float32 }

// Point is an image position.
type Point struct{ X, Y float32 }

// Face is a detected face. Landmarks: left eye, right eye, nose tip, left and right mouth
// corner (image terms).
type Face struct {
	Box       Box
	Score     float32
	Landmarks [5]Point
}

// Info describes a loaded engine.
type Info struct {
	EmbeddingDim    int
	VerifyThreshold float32
	HasLiveness     bool
	HasAttributes   bool
	DetectorWidth   int
	DetectorHeight  int
	Recognizer      string
	Detector        string
	Pack            string
}

// VerifyOptions: Threshold 0 means the engine's calibrated default.
type VerifyOptions struct {
	Threshold    float32
	AntiSpoofing bool
}

// VerifyResult of a 1:1 comparison. The liveness fields are set when AntiSpoofing was asked.
type VerifyResult struct {
	Verified         bool
	Distance         float32 // 1 - cosine similarity
	Threshold        float32
	Confidence       float32 // clamp((1 - distance/threshold) * 100, 0, 100)
	Box1, Box2       Box
	ProcessingTimeMs float32
	LivenessChecked  bool
	IsReal1, IsReal2 bool
	RealScore1       float32
	RealScore2       float32
}

// AnalyzeOptions select the optional heads of Analyze.
type AnalyzeOptions struct {
	AntiSpoofing      bool
	NoAttributes      bool // skip age/gender even when loaded
	RequireAttributes bool // ErrNoAttributeModel when no age/gender model is loaded
}

// Analysis of one face. Age fields are valid when HasAgeGender, liveness when HasLiveness.
type Analysis struct {
	Face            Face
	HasAgeGender    bool
	Age             float32
	MaleProbability float32
	IsMale          bool
	HasLiveness     bool
	IsReal          bool
	RealScore       float32
}

// Engine is a loaded face engine, safe for concurrent use. Close it when done; a finalizer
// frees a forgotten one.
type Engine struct {
	mu     sync.RWMutex // Close waits for running calls; calls may run together
	handle C.uintptr_t
}

// Version is the library's version string.
func Version() string { return C.GoString(C.face_version_string()) }

// LiveHandles counts engines and analysis results alive in the library (for leak checks).
func LiveHandles() int64 { return int64(C.face_live_handles()) }

// call runs f with the OS thread locked, so that the thread-local last error is read on the
// thread that failed.
func call(f func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status := f()
	if status == C.FACE_OK {
		return nil
	}
	return newError(int(status), C.GoString(C.face_last_error()))
}

// Load creates an engine from config text (see face_load in facenative.h), e.g.
// "pack: fast\nthreads: 2"; "" for defaults.
func Load(config string) (*Engine, error) {
	if v := int(C.face_abi_version()); v != AbiVersion {
		return nil, &Error{Status: -100, Message: "library ABI version differs from the binding's"}
	}
	var cconfig *C.char
	if config != "" {
		cconfig = C.CString(config)
		defer C.free(unsafe.Pointer(cconfig))
	}
	var handle C.uintptr_t
	if err := call(func() C.int { return C.fn_load(cconfig, &handle) }); err != nil {
		return nil, err
	}
	e := &Engine{handle: handle}
	runtime.SetFinalizer(e, (*Engine).Close)
	return e, nil
}

// Close frees the engine; it is safe to call more than once. Later calls return an error
// wrapping ErrInvalidArgument.
func (e *Engine) Close() error {
	e.mu.Lock()
	handle := e.handle
	e.handle = 0
	e.mu.Unlock()
	if handle != 0 {
		C.fn_free(handle)
		runtime.SetFinalizer(e, nil)
	}
	return nil
}

// with runs f with the engine's handle, holding it open for the duration.
func (e *Engine) with(f func(h C.uintptr_t) C.int) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.handle == 0 {
		return &Error{Status: -1, Message: "engine is closed"}
	}
	err := call(func() C.int { return f(e.handle) })
	runtime.KeepAlive(e)
	return err
}

// Info describes the engine.
func (e *Engine) Info() (Info, error) {
	var info C.face_engine_info
	err := e.with(func(h C.uintptr_t) C.int { return C.fn_info(h, &info) })
	if err != nil {
		return Info{}, err
	}
	return Info{
		EmbeddingDim:    int(info.embedding_dim),
		VerifyThreshold: float32(info.verify_threshold),
		HasLiveness:     info.has_liveness != 0,
		HasAttributes:   info.has_attributes != 0,
		DetectorWidth:   int(info.detector_width),
		DetectorHeight:  int(info.detector_height),
		Recognizer:      C.GoString(info.recognizer),
		Detector:        C.GoString(info.detector),
		Pack:            C.GoString(info.pack),
	}, nil
}

func dataPtr(img *Image) unsafe.Pointer {
	if len(img.Data) == 0 {
		return nil
	}
	return unsafe.Pointer(&img.Data[0])
}

// Detect finds every face, highest score first. threshold overrides the detector's when > 0.
func (e *Engine) Detect(img Image, threshold float32) ([]Face, error) {
	capacity := 32
	for {
		faces := make([]C.face_detection, capacity)
		var count C.size_t
		err := e.with(func(h C.uintptr_t) C.int {
			return C.fn_detect(h, dataPtr(&img), C.size_t(len(img.Data)), C.int32_t(img.Format),
				C.int32_t(img.Width), C.int32_t(img.Height), C.int32_t(img.Stride),
				C.float(threshold), &faces[0], C.size_t(capacity), &count)
		})
		runtime.KeepAlive(img.Data)
		if fe, ok := err.(*Error); ok && fe.Status == C.FACE_E_BUFFER_TOO_SMALL {
			capacity = int(count)
			continue
		}
		if err != nil {
			return nil, err
		}
		out := make([]Face, int(count))
		for i := range out {
			out[i] = goFace(&faces[i])
		}
		return out, nil
	}
}

// Embed returns the L2-normalised embedding of the image's selected face and that face.
func (e *Engine) Embed(img Image) ([]float32, Face, error) {
	capacity := 512
	for {
		embedding := make([]float32, capacity)
		var dim C.size_t
		var face C.face_detection
		err := e.with(func(h C.uintptr_t) C.int {
			return C.fn_embed(h, dataPtr(&img), C.size_t(len(img.Data)), C.int32_t(img.Format),
				C.int32_t(img.Width), C.int32_t(img.Height), C.int32_t(img.Stride),
				(*C.float)(unsafe.Pointer(&embedding[0])), C.size_t(capacity), &dim, &face)
		})
		runtime.KeepAlive(img.Data)
		if fe, ok := err.(*Error); ok && fe.Status == C.FACE_E_BUFFER_TOO_SMALL && int(dim) > 0 {
			capacity = int(dim)
			continue
		}
		if err != nil {
			return nil, Face{}, err
		}
		return embedding[:int(dim)], goFace(&face), nil
	}
}

// Verify compares the selected faces of two images.
func (e *Engine) Verify(img1, img2 Image, opts VerifyOptions) (VerifyResult, error) {
	var r C.face_verify_result
	flags := C.int(0)
	if opts.AntiSpoofing {
		flags |= C.FACE_ANTI_SPOOFING
	}
	err := e.with(func(h C.uintptr_t) C.int {
		return C.fn_verify(h,
			dataPtr(&img1), C.size_t(len(img1.Data)), C.int32_t(img1.Format),
			C.int32_t(img1.Width), C.int32_t(img1.Height), C.int32_t(img1.Stride),
			dataPtr(&img2), C.size_t(len(img2.Data)), C.int32_t(img2.Format),
			C.int32_t(img2.Width), C.int32_t(img2.Height), C.int32_t(img2.Stride),
			C.float(opts.Threshold), flags, &r)
	})
	runtime.KeepAlive(img1.Data)
	runtime.KeepAlive(img2.Data)
	if err != nil {
		return VerifyResult{}, err
	}
	return goVerify(&r), nil
}

// VerifyEmbeddings compares two stored embeddings; threshold 0 = the engine's default.
func (e *Engine) VerifyEmbeddings(a, b []float32, threshold float32) (VerifyResult, error) {
	if len(a) != len(b) || len(a) == 0 {
		return VerifyResult{}, &Error{Status: -1, Message: "embeddings are empty or differ in length"}
	}
	var r C.face_verify_result
	err := e.with(func(h C.uintptr_t) C.int {
		return C.fn_verify_embeddings(h, (*C.float)(unsafe.Pointer(&a[0])),
			(*C.float)(unsafe.Pointer(&b[0])), C.size_t(len(a)), C.float(threshold), &r)
	})
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	if err != nil {
		return VerifyResult{}, err
	}
	return goVerify(&r), nil
}

// Analyze returns every face with age/gender and liveness as the options and models allow.
func (e *Engine) Analyze(img Image, opts AnalyzeOptions) ([]Analysis, error) {
	flags := C.int(0)
	if opts.AntiSpoofing {
		flags |= C.FACE_ANTI_SPOOFING
	}
	if opts.NoAttributes {
		flags |= C.FACE_NO_ATTRIBUTES
	}
	if opts.RequireAttributes {
		flags |= C.FACE_REQUIRE_ATTRIBUTES
	}
	var result *C.face_analysis_result
	err := e.with(func(h C.uintptr_t) C.int {
		return C.fn_analyze(h, dataPtr(&img), C.size_t(len(img.Data)), C.int32_t(img.Format),
			C.int32_t(img.Width), C.int32_t(img.Height), C.int32_t(img.Stride), flags, &result)
	})
	runtime.KeepAlive(img.Data)
	if err != nil {
		return nil, err
	}
	defer C.face_analysis_free(result)

	out := make([]Analysis, int(result.count))
	for i := range out {
		a := C.fn_analysis_at(result, C.size_t(i))
		out[i] = Analysis{
			Face:            goFace(&a.face),
			HasAgeGender:    a.has_age_gender != 0,
			Age:             float32(a.age),
			MaleProbability: float32(a.male_probability),
			IsMale:          a.is_male != 0,
			HasLiveness:     a.has_liveness != 0,
			IsReal:          a.is_real != 0,
			RealScore:       float32(a.real_score),
		}
	}
	return out, nil
}

func goBox(b *C.face_box) Box {
	return Box{float32(b.x1), float32(b.y1), float32(b.x2), float32(b.y2)}
}

func goFace(d *C.face_detection) Face {
	f := Face{Box: goBox(&d.box), Score: float32(d.score)}
	for i := range f.Landmarks {
		f.Landmarks[i] = Point{float32(d.landmarks[i].x), float32(d.landmarks[i].y)}
	}
	return f
}

func goVerify(r *C.face_verify_result) VerifyResult {
	return VerifyResult{
		Verified:         r.verified != 0,
		Distance:         float32(r.distance),
		Threshold:        float32(r.threshold),
		Confidence:       float32(r.confidence),
		Box1:             goBox(&r.box1),
		Box2:             goBox(&r.box2),
		ProcessingTimeMs: float32(r.processing_time_ms),
		LivenessChecked:  r.liveness_checked != 0,
		IsReal1:          r.is_real1 != 0,
		IsReal2:          r.is_real2 != 0,
		RealScore1:       float32(r.real_score1),
		RealScore2:       float32(r.real_score2),
	}
}

// freeForeignAnalysis hands face_analysis_free a pointer the library never returned (the
// library ignores it with a logged warning); the tests use it to produce a log message.
func freeForeignAnalysis() {
	p := (*C.face_analysis_result)(C.calloc(1, C.size_t(unsafe.Sizeof(C.face_analysis_result{}))))
	C.face_analysis_free(p)
	C.free(unsafe.Pointer(p))
}
