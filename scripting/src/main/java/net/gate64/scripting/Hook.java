package net.gate64.scripting;

/** The hooks gate64 calls, by the global function name a script defines. */
public enum Hook {
    GETTAG("gettag"),
    IPFILTER("ipfilter"),
    PRERESOLVE("preresolve"),
    NODATA("nodata"),
    NXDOMAIN("nxdomain"),
    POSTRESOLVE("postresolve");

    private final String function;

    Hook(String function) {
        this.function = function;
    }

    /** The global function name in the script. */
    public String function() {
        return function;
    }
}
