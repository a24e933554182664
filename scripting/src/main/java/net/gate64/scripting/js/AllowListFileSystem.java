package net.gate64.scripting.js;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;
import net.gate64.scripting.ScriptSandbox;
import org.graalvm.polyglot.io.FileSystem;

/**
 * The file system a sandboxed JavaScript context sees: the host's, read-only, and only for the files and directories
 * on the sandbox's allow-list (JavaScript's {@code load(file)} is the one way a GraalJS script reads files here).
 */
final class AllowListFileSystem implements FileSystem {
    private final FileSystem host = FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem());
    private final ScriptSandbox sandbox;

    AllowListFileSystem(ScriptSandbox sandbox) {
        this.sandbox = sandbox;
    }

    private Path allowed(Path p) throws IOException {
        if (!sandbox.mayRead(p)) {
            throw new AccessDeniedException(p.toString(), null, sandbox.refusal(p.toString()));
        }
        return p;
    }

    @Override
    public Path parsePath(URI uri) {
        return host.parsePath(uri);
    }

    @Override
    public Path parsePath(String path) {
        return host.parsePath(path);
    }

    @Override
    public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... options) throws IOException {
        if (modes.contains(AccessMode.WRITE) || modes.contains(AccessMode.EXECUTE)) {
            throw new AccessDeniedException(path.toString(), null, "a sandboxed script may only read");
        }
        host.checkAccess(allowed(path), modes, options);
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw new AccessDeniedException(dir.toString(), null, "a sandboxed script may only read");
    }

    @Override
    public void delete(Path path) throws IOException {
        throw new AccessDeniedException(path.toString(), null, "a sandboxed script may only read");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return host.newByteChannel(allowed(path), options, attrs); // the read-only host refuses writing options
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        return host.newDirectoryStream(allowed(dir), filter);
    }

    @Override
    public Path toAbsolutePath(Path path) {
        return host.toAbsolutePath(path);
    }

    @Override
    public Path toRealPath(Path path, LinkOption... options) throws IOException {
        return host.toRealPath(allowed(path), options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return host.readAttributes(allowed(path), attributes, options);
    }
}
