namespace FaceNative.Grpc;

/// <summary>
/// The one loaded engine (LocalAI runs one model per backend process) and the gate that bounds
/// how many face requests use it at once. Requests hold a <see cref="Lease"/>; LoadModel and
/// Free swap the engine out and the old one is disposed only when its last lease ends, so an
/// unload never pulls a session from under a running request.
/// </summary>
public sealed class ModelHost
{
    private readonly object _sync = new();
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private Loaded? _current;
    private volatile bool _loading;

    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    public bool IsLoading => _loading;

    public string? ModelName => Volatile.Read(ref _current)?.Name;

    /// <summary>Loads a new engine; on success it replaces the current one. A failed load leaves
    /// whatever was loaded before in place.</summary>
    public async Task LoadAsync(string name, Func<FaceEngine> load, int maxConcurrency)
    {
        await _loadLock.WaitAsync();
        try
        {
            _loading = true;
            FaceEngine engine = await Task.Run(load);
            Swap(new Loaded(name, engine, maxConcurrency));
        }
        finally
        {
            _loading = false;
            _loadLock.Release();
        }
    }

    public async Task FreeAsync()
    {
        await _loadLock.WaitAsync();
        try
        {
            Swap(null);
        }
        finally
        {
            _loadLock.Release();
        }
    }

    /// <summary>The loaded engine for one request, or null when nothing is loaded. The caller
    /// must dispose the lease.</summary>
    public Lease? TryAcquire()
    {
        lock (_sync)
        {
            Loaded? loaded = _current;
            if (loaded is null) return null;
            loaded.Users++;
            return new Lease(this, loaded);
        }
    }

    private void Swap(Loaded? next)
    {
        Loaded? previous;
        lock (_sync)
        {
            previous = _current;
            _current = next;
            if (previous is not null) previous.Retired = true;
        }
        if (previous is not null) ReleaseIfIdle(previous);
    }

    private void Return(Loaded loaded)
    {
        lock (_sync) loaded.Users--;
        ReleaseIfIdle(loaded);
    }

    private void ReleaseIfIdle(Loaded loaded)
    {
        bool dispose;
        lock (_sync)
        {
            dispose = loaded.Retired && loaded.Users == 0 && !loaded.Disposed;
            if (dispose) loaded.Disposed = true;
        }
        if (dispose) loaded.Engine.Dispose();
    }

    internal sealed class Loaded(string name, FaceEngine engine, int maxConcurrency)
    {
        public string Name { get; } = name;
        public FaceEngine Engine { get; } = engine;
        public SemaphoreSlim Gate { get; } = new(maxConcurrency, maxConcurrency);
        public int Users;
        public bool Retired;
        public bool Disposed;
    }

    /// <summary>One request's hold on the engine. <see cref="EnterAsync"/> waits for a free
    /// slot under the concurrency limit: over the limit a request queues, it never fails.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly ModelHost _host;
        private readonly Loaded _loaded;
        private bool _entered;
        private bool _disposed;

        internal Lease(ModelHost host, Loaded loaded)
        {
            _host = host;
            _loaded = loaded;
        }

        public FaceEngine Engine => _loaded.Engine;

        public string ModelName => _loaded.Name;

        public async Task EnterAsync(CancellationToken cancellation)
        {
            await _loaded.Gate.WaitAsync(cancellation);
            _entered = true;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_entered) _loaded.Gate.Release();
            _host.Return(_loaded);
        }
    }
}
