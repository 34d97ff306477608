public enum W {}
