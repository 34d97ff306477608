/// Whether workers' agents can be put in a bubblewrap sandbox here (`Sandbox.availability()`:
/// bubblewrap on PATH, and the sandbox's own probe passing, user namespaces included).
/// Unavailable is a warning, or a failure when the user asked for the sandbox (`orch.sandbox bwrap`).
public enum SandboxAvailabilityCheck {
    public static func check(required: Bool, environment: DoctorEnvironment) -> DoctorCheck {
        // Required: start refuses (orch.sandbox bwrap); else agents run unconfined, with a warning.
        let status: DoctorCheck.Status = required ? .failed : .warning
        func unavailable(_ why: String) -> String { required ? "orch.sandbox is bwrap, but \(why)" : "\(why): agents run unconfined" }
        guard let bwrap = environment.executable("bwrap") else {
            return DoctorCheck("sandbox", status, unavailable("bubblewrap (bwrap) is not on PATH"),
                               fix: "install bubblewrap (apt-get install bubblewrap)")
        }
        let (available, detail) = Sandbox.availability(of: bwrap)
        guard available else {
            return DoctorCheck("sandbox", status, unavailable(detail),
                               fix: "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0), or run in a container that permits them")
        }
        return .ok("sandbox", detail)
    }
}
