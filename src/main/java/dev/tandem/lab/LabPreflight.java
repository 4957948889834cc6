package dev.tandem.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the lab needs of this host, checked before it makes anything; each lack is one sentence that says the fix. */
final class LabPreflight {
    private static volatile Boolean setsid;

    private LabPreflight() {
    }

    /** The java launcher and the packaged jar the agents run from. */
    record Host(String java, Path jar) {
    }

    static Host check() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new LabException("the lab needs Linux (network namespaces); this is " + System.getProperty("os.name"));
        }
        if (effectiveUid() != 0) {
            throw new LabException("the lab needs root, for network namespaces and the agents' raw sockets: run it"
                    + " with sudo");
        }
        if (Shell.run(List.of("ip", "-V")).exit() != 0) {
            throw new LabException("the lab needs iproute2 (`ip`): apt-get install iproute2");
        }
        if (Shell.run(List.of("ping", "-V")).exit() != 0) {
            throw new LabException("the lab's client needs iputils ping: apt-get install iputils-ping");
        }
        return new Host(javaLauncher(), packagedJar());
    }

    /** The packaged quarkus-run.jar this process runs from: the agents are started from the same one. */
    static Path packagedJar() {
        String classPath = System.getProperty("java.class.path", "");
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (p.getFileName() != null && p.getFileName().toString().equals("quarkus-run.jar") && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new LabException("the lab starts its agents from the packaged jar: run it as `java -jar"
                + " target/quarkus-app/quarkus-run.jar lab` (after `mvn package`)");
    }

    static String javaLauncher() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static boolean hasSetsid() {
        if (setsid == null) {
            setsid = Shell.run(List.of("setsid", "--version")).exit() == 0;
        }
        return setsid;
    }

    private static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux as expected: treated as not root
        }
        return -1;
    }
}
