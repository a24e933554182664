package net.gate64.config;

import java.util.Collection;

/**
 * "did you mean" for a mistyped key: the closest known key within a small edit distance, or nothing. The distance
 * counts a swap of two neighbouring letters as one edit ({@code nmae}, {@code netwroks}), and the edits allowed grow
 * with the length of what was typed, so that a short word is not "corrected" into an unrelated one ({@code zzz} is
 * three edits from {@code bib}, and no typo of it).
 */
public final class Suggestions {
    private Suggestions() {}

    /** " (did you mean 'max-cache-ttl'?)" or "". */
    public static String didYouMean(String key, Collection<String> known) {
        String best = null;
        int bestDistance = allowed(key) + 1;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** The edits a typo of {@code key} may have: 1 up to 4 characters, 2 up to 8, else 3. */
    static int allowed(String key) {
        return key.length() <= 4 ? 1 : key.length() <= 8 ? 2 : 3;
    }

    /** Edit distance with adjacent transpositions (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
