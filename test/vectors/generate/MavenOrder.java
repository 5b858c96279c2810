// Prints Maven's own order of every pair of the versions given on standard
// input (one per line), as JSON: [[a, b, sign], ...]. Run by generate.sh
// against the maven-artifact jar that Debian's maven package installs.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenOrder {
  public static void main(String[] args) throws Exception {
    List<String> versions = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) if (!line.isBlank()) versions.add(line.trim());
    StringBuilder out = new StringBuilder("[\n");
    for (int i = 0; i < versions.size(); i++) {
      for (int j = 0; j < versions.size(); j++) {
        int sign = Integer.signum(new ComparableVersion(versions.get(i)).compareTo(new ComparableVersion(versions.get(j))));
        out.append(String.format("[\"%s\",\"%s\",%d]%s\n", versions.get(i), versions.get(j), sign, i == versions.size() - 1 && j == versions.size() - 1 ? "" : ","));
      }
    }
    System.out.print(out.append("]\n"));
  }
}
