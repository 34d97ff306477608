/// Whether workers' agents can be put in a bubblewrap sandbox here: `bwrap` on PATH, and user
/// namespaces usable (a probe that maps a uid and binds / read-only). Self-contained so the
/// sandbox's own probe can replace it. Unavailable is a warning, or a failure when the user asked
/// for the sandbox (`orch.sandbox` set to a true value).
public enum SandboxAvailabilityCheck {
    public static let probeArguments = ["--unshare-user", "--uid", "1000", "--ro-bind", "/", "/", "true"]

    public static func check(required: Bool, environment: DoctorEnvironment) -> DoctorCheck {
        let status: DoctorCheck.Status = required ? .failed : .warning
        guard let bwrap = environment.executable("bwrap") else {
            return DoctorCheck("sandbox", status, "bwrap is not on PATH", fix: "install bubblewrap (apt-get install bubblewrap)")
        }
        guard let probe = DoctorProbe.run(bwrap, probeArguments, seconds: 10) else {
            return DoctorCheck("sandbox", status, "\(bwrap) did not finish its probe", fix: "run 'bwrap \(probeArguments.joined(separator: " "))' to see why")
        }
        guard probe.status == 0 else {
            let reason = probe.output.split(separator: "\n").last.map(String.init) ?? "exit \(probe.status)"
            return DoctorCheck("sandbox", status, "bwrap cannot create a user namespace: \(reason)",
                               fix: "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0), or run in a container that permits them")
        }
        return .ok("sandbox", "\(bwrap), user namespaces usable")
    }
}
