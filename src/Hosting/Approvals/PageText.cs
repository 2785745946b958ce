namespace HsmWallet.Hosting.Approvals;

/// <summary>The HTML frame and script shared by the approval and enrolment pages: plain, no external resource, every value HTML-encoded.</summary>
internal static class PageText
{
    /// <summary>A whole page titled <paramref name="title"/> around <paramref name="body"/>, with <paramref name="script"/> under the CSP nonce.</summary>
    public static string Frame(string title, string body, string script, string scriptNonce) =>
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + System.Net.WebUtility.HtmlEncode(title) + "</title>"
        + "<style nonce=\"" + scriptNonce + "\">body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em}"
        + ".warning{color:#8a1c00;font-weight:bold}.untrusted{background:#fff3cd;border-left:4px solid #d39e00;padding:.2em .5em;font-family:monospace;white-space:pre-wrap}"
        + "button{font-size:1.2em;margin:1em 1em 0 0;padding:.4em 1.2em}code{word-break:break-all}</style></head><body>"
        + body + "<p id=\"status\" role=\"status\"></p><script nonce=\"" + scriptNonce + "\">" + script + "</script></body></html>";
}
