namespace FaceNative.Grpc;

/// <summary>Resident memory of this process, for Status's MemoryUsageData.</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS from /proc/self/status in bytes (Linux); the runtime's working set elsewhere.</summary>
    public static ulong ResidentBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                string kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return ulong.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return (ulong)Environment.WorkingSet;
    }
}
