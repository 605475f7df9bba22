package facenative

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const (
	pairA = "id01/deepface_img1.jpg"
	pairB = "id01/deepface_img2.jpg"
)

var (
	repo     = mustAbs("../..")
	engine   *Engine // default pack
	fast     *Engine // fast pack, no optional models, 1 thread
	loadOnce sync.Once
	loadErr  error
)

func mustAbs(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		panic(err)
	}
	return abs
}

func facesDir() string {
	if d := os.Getenv("FACENATIVE_FACES"); d != "" {
		return d
	}
	return filepath.Join(repo, "..", "shared", "faces")
}

func photo(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(facesDir(), name))
	if err != nil {
		t.Fatalf("test photo missing (set FACENATIVE_FACES): %v", err)
	}
	return data
}

// engines loads the shared engines once; a missing model fails every test that needs them.
func engines(t *testing.T) (*Engine, *Engine) {
	t.Helper()
	loadOnce.Do(func() {
		if os.Getenv("FACENATIVE_MODELS") == "" {
			os.Setenv("FACENATIVE_MODELS", filepath.Join(repo, "..", "shared", "models"))
		}
		engine, loadErr = Load("")
		if loadErr == nil {
			fast, loadErr = Load("pack: fast\nskip_optional: true\ndet_size: 320\nthreads: 1")
		}
	})
	if loadErr != nil {
		t.Fatalf("cannot load engines (models from $FACENATIVE_MODELS): %v", loadErr)
	}
	return engine, fast
}

func gray(w, h int) Image {
	data := make([]byte, w*h)
	for i := range data {
		data[i] = 128
	}
	return Pixels(data, w, h, 0, FormatGray8)
}

func TestVersion(t *testing.T) {
	if v := Version(); len(v) == 0 {
		t.Fatal("empty version")
	}
}

func TestLoadErrors(t *testing.T) {
	engines(t)
	if _, err := Load("bogus_key: 1"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bogus key: %v", err)
	}
	_, err := Load("recognizer: /nonexistent/missing.onnx")
	var fe *Error
	if !errors.Is(err, ErrModel) || !errors.As(err, &fe) || fe.Status != -4 {
		t.Errorf("missing model: %v", err)
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	engines(t)
	before := LiveHandles()
	e, err := Load("pack: fast\nskip_optional: true\ndet_size: 320")
	if err != nil {
		t.Fatal(err)
	}
	if LiveHandles() != before+1 {
		t.Errorf("live handles %d, want %d", LiveHandles(), before+1)
	}
	e.Close()
	e.Close()
	if LiveHandles() != before {
		t.Errorf("live handles %d after close, want %d", LiveHandles(), before)
	}
	if _, err := e.Detect(Encoded(photo(t, pairA)), 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("use after close: %v", err)
	}
}

func TestInfo(t *testing.T) {
	e, f := engines(t)
	info, err := e.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.EmbeddingDim != 512 || !info.HasLiveness || !info.HasAttributes ||
		info.Recognizer != "w600k_mbf_uint8_dynamic" || info.Pack != "default" {
		t.Errorf("info %+v", info)
	}
	if fi, _ := f.Info(); fi.DetectorWidth != 320 || fi.HasLiveness {
		t.Errorf("fast info %+v", fi)
	}
}

func TestDetect(t *testing.T) {
	e, _ := engines(t)
	faces, err := e.Detect(Encoded(photo(t, pairA)), 0)
	if err != nil || len(faces) != 1 || faces[0].Score < 0.5 {
		t.Fatalf("portrait: %v %+v", err, faces)
	}
	group, err := e.Detect(Encoded(photo(t, "groups/isf_t1.jpg")), 0)
	if err != nil || len(group) != 6 {
		t.Fatalf("group: %v, %d faces", err, len(group))
	}
	for i := 1; i < len(group); i++ {
		if group[i-1].Score < group[i].Score {
			t.Errorf("faces not sorted by score")
		}
	}
}

func TestImageErrors(t *testing.T) {
	e, _ := engines(t)
	cases := []struct {
		name string
		img  Image
		want error
	}{
		{"garbage", Encoded([]byte("this is not an image, only bytes")), ErrDecode},
		{"empty", Encoded(nil), ErrInvalidArgument},
		{"bad format", Pixels(make([]byte, 300), 10, 10, 0, PixelFormat(9)), ErrInvalidArgument},
		{"short buffer", Pixels(make([]byte, 10), 10, 10, 0, FormatBGR24), ErrInvalidArgument},
		{"too large", Pixels(make([]byte, 10), 100000, 100000, 0, FormatGray8), ErrTooLarge},
	}
	for _, c := range cases {
		if _, err := e.Detect(c.img, 0); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	if _, _, err := e.Embed(gray(200, 200)); !errors.Is(err, ErrNoFace) {
		t.Errorf("blank embed: %v", err)
	}
}

// Hostile files (docs/robustness.md): a header claiming 30000 x 30000 pixels is refused from
// the header; a photo cut at every tenth gives a result, ErrDecode or ErrNoFace, nothing else.
func TestHostileFilesGiveTypedErrors(t *testing.T) {
	_, f := engines(t)
	png := append([]byte(nil), photo(t, "singles/agt_lin-manuel-miranda.png")...)
	binary.BigEndian.PutUint32(png[16:], 30000)
	binary.BigEndian.PutUint32(png[20:], 30000)
	if _, err := f.Detect(Encoded(png), 0); !errors.Is(err, ErrTooLarge) ||
		!strings.Contains(err.Error(), "30000x30000") {
		t.Errorf("header bomb: %v", err)
	}
	jpeg := photo(t, pairA)
	for tenth := 1; tenth < 10; tenth++ {
		v, _, err := f.Embed(Encoded(jpeg[:len(jpeg)*tenth/10]))
		switch {
		case err == nil:
			for _, x := range v {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					t.Errorf("%d0 %%: non-finite embedding", tenth)
					break
				}
			}
		case !errors.Is(err, ErrDecode) && !errors.Is(err, ErrNoFace):
			t.Errorf("%d0 %%: %v", tenth, err)
		}
	}
	if faces, err := f.Detect(Encoded(jpeg), 0); err != nil || len(faces) == 0 {
		t.Errorf("engine after hostile input: %v, %d faces", err, len(faces))
	}
}

func TestEmbedUnitLength(t *testing.T) {
	e, _ := engines(t)
	v, face, err := e.Embed(Encoded(photo(t, pairA)))
	if err != nil || len(v) != 512 || face.Score < 0.5 {
		t.Fatalf("%v, %d floats, %+v", err, len(v), face)
	}
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if math.Abs(norm-1) > 1e-4 {
		t.Errorf("norm %v", norm)
	}
}

func TestVerifySamePersonAndEmbeddings(t *testing.T) {
	e, _ := engines(t)
	a, b := Encoded(photo(t, pairA)), Encoded(photo(t, pairB))
	r, err := e.Verify(a, b, VerifyOptions{})
	if err != nil || !r.Verified || r.Distance >= r.Threshold {
		t.Fatalf("%v %+v", err, r)
	}
	va, _, _ := e.Embed(a)
	vb, _, _ := e.Embed(b)
	stored, err := e.VerifyEmbeddings(va, vb, 0)
	if err != nil || stored.Distance != r.Distance {
		t.Errorf("stored %v %+v vs %v", err, stored, r.Distance)
	}
	other, err := e.Verify(a, Encoded(photo(t, "id02/deepface_img3.jpg")), VerifyOptions{})
	if err != nil || other.Verified {
		t.Errorf("different people: %v %+v", err, other)
	}
	if _, err := e.VerifyEmbeddings(va, []float32{1}, 0); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("length mismatch: %v", err)
	}
	if _, err := e.Verify(a, gray(200, 200), VerifyOptions{}); !errors.Is(err, ErrNoFace) {
		t.Errorf("no face: %v", err)
	}
}

func TestVerifyDistanceMatchesCLI(t *testing.T) {
	e, _ := engines(t)
	cli := os.Getenv("FACENATIVE_CLI")
	if cli == "" {
		cli = filepath.Join(repo, "dist", "bin", "facenative")
	}
	out, err := exec.Command(cli, "verify", filepath.Join(facesDir(), pairA),
		filepath.Join(facesDir(), pairB)).Output()
	if err != nil {
		t.Fatalf("%s failed (build it with ./build.sh): %v", cli, err)
	}
	var parsed struct{ Distance float64 }
	if err := json.Unmarshal(out, &parsed); err != nil {
		t.Fatal(err)
	}
	r, err := e.Verify(Encoded(photo(t, pairA)), Encoded(photo(t, pairB)), VerifyOptions{})
	if err != nil || math.Abs(float64(r.Distance)-parsed.Distance) > 1e-6 {
		t.Errorf("Go %v vs CLI %v (%v)", r.Distance, parsed.Distance, err)
	}
}

func TestAntiSpoofing(t *testing.T) {
	e, f := engines(t)
	live, spoof := Encoded(photo(t, "antispoof/sf_image_T1.jpg")), Encoded(photo(t, "antispoof/sf_image_F1.jpg"))
	r, err := e.Verify(live, spoof, VerifyOptions{Threshold: 1.99, AntiSpoofing: true})
	if err != nil || !r.LivenessChecked || !r.IsReal1 || r.IsReal2 || r.Verified {
		t.Errorf("%v %+v", err, r)
	}
	if _, err := f.Verify(live, live, VerifyOptions{AntiSpoofing: true}); !errors.Is(err, ErrNoLivenessModel) {
		t.Errorf("no liveness model: %v", err)
	}
}

func TestAnalyze(t *testing.T) {
	e, f := engines(t)
	faces, err := e.Analyze(Encoded(photo(t, "groups/isf_t1.jpg")), AnalyzeOptions{})
	if err != nil || len(faces) != 6 {
		t.Fatalf("%v, %d faces", err, len(faces))
	}
	for _, a := range faces {
		if !a.HasAgeGender || a.Age <= 0 || a.Age > 120 || a.HasLiveness {
			t.Errorf("%+v", a)
		}
	}
	img := Encoded(photo(t, pairA))
	if _, err := f.Analyze(img, AnalyzeOptions{RequireAttributes: true}); !errors.Is(err, ErrNoAttributeModel) {
		t.Errorf("require attributes: %v", err)
	}
	if _, err := f.Analyze(img, AnalyzeOptions{AntiSpoofing: true}); !errors.Is(err, ErrNoLivenessModel) {
		t.Errorf("anti-spoofing: %v", err)
	}
	if none, err := e.Analyze(gray(100, 100), AnalyzeOptions{}); err != nil || len(none) != 0 {
		t.Errorf("blank: %v %d", err, len(none))
	}
}

// Run with -race: 8 goroutines × 25 mixed calls share one engine and must get the serial
// results (embeddings bit for bit, detections equal).
func TestConcurrentCallsMatchSerial(t *testing.T) {
	_, f := engines(t)
	names := []string{"id01/deepface_img5.jpg", "id02/deepface_img3.jpg", "id10/agt_obama_small.jpg"}
	images := make([]Image, len(names))
	serialEmbed := make([][]float32, len(names))
	serialDetect := make([][]Face, len(names))
	for i, n := range names {
		images[i] = Encoded(photo(t, n))
		v, _, err := f.Embed(images[i])
		if err != nil {
			t.Fatal(err)
		}
		serialEmbed[i] = v
		if serialDetect[i], err = f.Detect(images[i], 0); err != nil {
			t.Fatal(err)
		}
	}
	const goroutines, calls = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*calls)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				k := (g + i) % len(images)
				if (g+i)%2 == 0 {
					v, _, err := f.Embed(images[k])
					if err != nil {
						errs <- err
					} else if !reflect.DeepEqual(v, serialEmbed[k]) {
						errs <- errors.New("embedding differs from serial")
					}
				} else {
					faces, err := f.Detect(images[k], 0)
					if err != nil {
						errs <- err
					} else if !reflect.DeepEqual(faces, serialDetect[k]) {
						errs <- errors.New("detections differ from serial")
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Last: every engine and result handed out is freed.
func TestZZLiveHandlesEndAtZero(t *testing.T) {
	e, f := engines(t)
	e.Close()
	f.Close()
	if n := LiveHandles(); n != 0 {
		t.Errorf("%d live handles", n)
	}
}

func TestLogCallbackReceivesWarning(t *testing.T) {
	var mu sync.Mutex
	var got []string
	if err := SetLogCallback(func(level int, message string) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, message)
	}, LogWarning); err != nil {
		t.Fatal(err)
	}
	freeForeignAnalysis() // ignored by the library, with a warning
	if err := SetLogCallback(nil, LogWarning); err != nil {
		t.Fatal(err)
	}
	freeForeignAnalysis()
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Errorf("got %d messages: %q", len(got), got)
	}
	if err := SetLogCallback(nil, 9); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("bad level: %v", err)
	}
}
