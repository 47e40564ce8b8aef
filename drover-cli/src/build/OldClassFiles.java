import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * {@code java -cp ASM OldClassFiles.java JAR}: rewrites the class files in JAR that are older than Java 6 as Java 8 ones,
 * with the stack map frames the JVM's type-checking verifier wants; run by bin/start-cache before it trains the
 * start-up caches. picocli ships Java 5 class files, which JDK 25's AOT cache leaves out ("Old class has been linked"),
 * so every command that goes through picocli loaded and verified its 228 classes from the jar; upgraded, they come from
 * the cache (OldClassFilesTest). Only the class file's version and frames change; the bytecode is the same. A jar
 * without old class files is left untouched.
 */
public final class OldClassFiles {
    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path upgraded = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int count = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
                URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                OutputStream file = Files.newOutputStream(upgraded);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().endsWith(".class") && isOld(bytes)) {
                    bytes = upgrade(bytes, classes);
                    count++;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (count == 0) {
            Files.delete(upgraded);
        } else {
            Files.move(upgraded, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Older than Java 6 (major version 50): verified the old way, by type inference. */
    static boolean isOld(byte[] c) {
        return c.length > 8 && (c[0] & 0xff) == 0xca && (c[1] & 0xff) == 0xfe && ((c[6] & 0xff) << 8 | (c[7] & 0xff)) < 50;
    }

    /** The same class as a Java 8 class file, its frames computed (which needs the classes of the jar, to merge types). */
    static byte[] upgrade(byte[] old, ClassLoader classes) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes;
            }
        };
        new ClassReader(old).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
