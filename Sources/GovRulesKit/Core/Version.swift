public enum GovRulesVersion {
    public static let string = "0.1.0"
}
