"""Clustering customers on their behaviour: k-means or a Gaussian mixture, choosing k, profiles, stability.

The model, :class:`CustomerClusters`, follows scikit-learn: ``__init__`` stores the options, :meth:`fit`
returns ``self``, what it learned ends in ``_``. It fits on a random sample when there are more than
``sample_size`` customers, then assigns every customer in chunks, so a million customers stay interactive.
Clusters are numbered 1..k from the highest revenue per customer down, so the numbering does not depend on
the random start.

The functions the page and the report call read the feature table of
:func:`salesdash.analysis.segments.customer_features` (aggregated in the engine) and return frozen
dataclasses: :func:`cluster_customers`, :func:`k_scan` (silhouette and elbow per k),
:func:`stability` (adjusted Rand index over bootstrap re-fits and against a fit on the previous period) and
:func:`cluster_members` (every customer's cluster, for saving and exports).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from threadpoolctl import threadpool_limits

from salesdash.analysis.segments import BASE_FEATURES, customer_features
from salesdash.filters import Filters
from salesdash.store import Store

__all__ = [
    "METHODS", "SCALINGS", "DEFAULT_FEATURES", "LOG_FEATURES", "MIN_PER_CLUSTER", "CustomerClusters",
    "ClusterResult", "KScan", "Stability", "cluster_customers", "k_scan", "stability", "cluster_members",
    "fit_clusters",
]

METHODS: tuple[str, ...] = ("kmeans", "gmm")
#: log_standard: log(1 + x) of the skewed counts and amounts, then standardise (the default).
SCALINGS: tuple[str, ...] = ("log_standard", "standard", "robust", "minmax")
DEFAULT_FEATURES: tuple[str, ...] = ("recency_days", "orders", "revenue", "discount_share")
#: Features with long right tails: log(1 + x) under "log_standard".
LOG_FEATURES = frozenset({"recency_days", "orders", "revenue", "avg_order_value", "tenure_days"})
#: Fewer customers than this per cluster and a clustering is not worth showing.
MIN_PER_CLUSTER = 5
#: Fit on at most this many customers; every customer is then assigned.
SAMPLE_SIZE = 200_000
#: Silhouette is computed on at most this many fitted customers (it is quadratic).
SILHOUETTE_SAMPLE = 4_000


class CustomerClusters:
    """Customer clusters on a few behavioural features.

    Parameters
    ----------
    k : number of clusters.
    method : "kmeans" or "gmm" (a Gaussian mixture whose components share one covariance matrix, started
        from k-means; hard assignment to the most likely component). A shared ("tied") covariance rather
        than one per component: with skewed marketing features (a discount share piled at 0 and 1) full
        covariances chase the shape of each pile instead of the groups (ARI 0.53-0.63 against the demo's
        planted groups, tied 0.82-0.87, k-means 0.88-0.91), and they need k × d × d parameters.
    features : columns of the feature table to cluster on.
    scaling : "log_standard", "standard", "robust" or "minmax".
    sample_size : fit on a random sample of at most this many rows, then assign every row.
    chunk_size : rows assigned per chunk.
    random_state : seed of the sample and the model.

    Attributes (after fit)
    ----------------------
    scaler_, model_ : the fitted scaler and scikit-learn model.
    order_ : raw model label -> cluster number (1..k, highest mean revenue per customer first).
    labels_ : the cluster (1..k) of every row given to fit.
    fit_rows_ : positions of the rows the model was fitted on.
    silhouette_ : mean silhouette of the fitted rows (on at most 4,000 of them); None when undefined.
    inertia_ : within-cluster sum of squares of the fitted rows in scaled space (k-means and GMM alike).
    bic_ : Bayesian information criterion (GMM only, else None).
    """

    def __init__(self, *, k: int = 4, method: str = "kmeans", features: tuple[str, ...] = DEFAULT_FEATURES,
                 scaling: str = "log_standard", sample_size: int = SAMPLE_SIZE, chunk_size: int = 200_000,
                 random_state: int = 0) -> None:
        self.k = k
        self.method = method
        self.features = tuple(features)
        self.scaling = scaling
        self.sample_size = sample_size
        self.chunk_size = chunk_size
        self.random_state = random_state

    # -- helpers ------------------------------------------------------------------------------------------
    def _check(self, df: pd.DataFrame) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {SCALINGS}, not {self.scaling!r}")
        if not self.features:
            raise ValueError("choose at least one feature")
        missing = [f for f in self.features if f not in df.columns]
        if missing:
            raise ValueError(f"the feature table has no column {missing[0]!r}")
        if self.k < 2:
            raise ValueError("k must be at least 2")

    def _raw(self, df: pd.DataFrame) -> np.ndarray:
        X = df[list(self.features)].to_numpy(dtype="float64", copy=True)
        X[~np.isfinite(X)] = 0.0
        if self.scaling == "log_standard":
            for i, f in enumerate(self.features):
                if f in LOG_FEATURES:
                    X[:, i] = np.log1p(np.clip(X[:, i], 0, None))
        return X

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """The features of `df` as the model sees them (transformed and scaled)."""
        return self.scaler_.transform(self._raw(df))

    def _new_model(self):
        if self.method == "kmeans":
            return KMeans(n_clusters=self.k, n_init=4, random_state=self.random_state)
        return GaussianMixture(n_components=self.k, covariance_type="tied", n_init=2, reg_covar=1e-4,
                               random_state=self.random_state)

    def _predict_scaled(self, Xs: np.ndarray) -> np.ndarray:
        out = np.empty(len(Xs), dtype="int64")
        for lo in range(0, len(Xs), self.chunk_size):
            out[lo:lo + self.chunk_size] = self.model_.predict(Xs[lo:lo + self.chunk_size])
        return self.order_[out]

    # -- the scikit-learn face ----------------------------------------------------------------------------
    def fit(self, df: pd.DataFrame) -> CustomerClusters:
        """Fit on (a sample of) the rows of `df`, then assign every row (``labels_``).

        Runs single-threaded: on a small shared machine (and under Streamlit, which serves sessions on
        threads) OpenMP's threads fight each other and make k-means several times slower.
        """
        with threadpool_limits(limits=1):
            return self._fit(df)

    def _fit(self, df: pd.DataFrame) -> CustomerClusters:
        self._check(df)
        if len(df) < self.k * MIN_PER_CLUSTER:
            raise ValueError(f"{len(df)} customers are too few for {self.k} clusters")
        rng = np.random.default_rng(self.random_state)
        X = self._raw(df)
        rows = np.arange(len(df))
        if len(df) > self.sample_size:
            rows = np.sort(rng.choice(len(df), size=self.sample_size, replace=False))
        scaler = {"log_standard": StandardScaler, "standard": StandardScaler, "robust": RobustScaler,
                  "minmax": MinMaxScaler}[self.scaling]()
        self.scaler_ = scaler.fit(X[rows])
        Xfit = self.scaler_.transform(X[rows])
        self.model_ = self._new_model().fit(Xfit)
        raw = self.model_.predict(Xfit)
        # number clusters by mean revenue per customer (or by size when revenue is not at hand), high first
        if "revenue" in df.columns:
            value = pd.Series(df["revenue"].to_numpy(dtype="float64")[rows]).groupby(raw).mean()
        else:
            value = pd.Series(np.ones(len(raw))).groupby(raw).sum()
        value = value.reindex(range(self.k), fill_value=-np.inf)
        ranked = np.argsort(-value.to_numpy(), kind="stable")
        self.order_ = np.empty(self.k, dtype="int64")
        self.order_[ranked] = np.arange(1, self.k + 1)
        self.fit_rows_ = rows
        fit_labels = self.order_[raw]
        self.inertia_ = float(sum(((Xfit[fit_labels == c] - Xfit[fit_labels == c].mean(axis=0)) ** 2).sum()
                                  for c in np.unique(fit_labels)))
        self.bic_ = float(self.model_.bic(Xfit)) if self.method == "gmm" else None
        self.silhouette_ = _silhouette(Xfit, fit_labels, self.random_state)
        Xs = self.scaler_.transform(X)
        self.labels_ = self._predict_scaled(Xs)
        return self

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """The cluster (1..k) of each row of `df`, assigned in chunks."""
        with threadpool_limits(limits=1):
            return self._predict_scaled(self.transform(df))


def _silhouette(Xs: np.ndarray, labels: np.ndarray, seed: int) -> float | None:
    if len(np.unique(labels)) < 2 or len(labels) < 3:
        return None
    n = min(len(labels), SILHOUETTE_SAMPLE)
    return float(silhouette_score(Xs, labels, sample_size=n if n < len(labels) else None, random_state=seed))


def _check_options(features, method, scaling, spec_features) -> None:
    bad = [f for f in features if f not in spec_features]
    if bad:
        raise ValueError(f"unknown features {bad}; known: {list(spec_features)}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}")


# A few fitted models kept in process, so that saving or exporting the clustering on screen does not
# fit it again.
_MODELS: OrderedDict = OrderedDict()
_MODELS_LOCK = Lock()


def fit_clusters(store: Store, filters: Filters, *, k: int = 4, method: str = "kmeans",
                 features: tuple[str, ...] = DEFAULT_FEATURES, scaling: str = "log_standard",
                 sample_size: int = SAMPLE_SIZE,
                 seed: int = 0) -> tuple[pd.DataFrame, CustomerClusters | None, str | None]:
    """The window's feature table and a model fitted on it: (frame, model, reason).

    `model` is None when the window holds too few customers for `k` clusters; `reason` then says what is
    needed. Raises ``ValueError`` for an unknown feature, method or scaling.
    """
    df, spec = customer_features(store, filters)
    features = tuple(features)
    _check_options(features, method, scaling, spec.features if spec else BASE_FEATURES)
    need = k * MIN_PER_CLUSTER
    if len(df) < need:
        return df, None, (f"at least {need} buying customers for {k} clusters ({MIN_PER_CLUSTER} per cluster); "
                          f"there are {len(df)}")
    key = (store.url, store.data_version, filters, k, method, features, scaling, sample_size, seed)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
    if model is None:
        model = CustomerClusters(k=k, method=method, features=features, scaling=scaling,
                                 sample_size=sample_size, random_state=seed).fit(df)
        with _MODELS_LOCK:
            _MODELS[key] = model
            while len(_MODELS) > 4:
                _MODELS.popitem(last=False)
    return df, model, None


@dataclass(frozen=True)
class ClusterResult:
    """A clustering of the window's buying customers.

    profile : one row per cluster (1..k): cluster, customers, revenue, customer_share, revenue_share,
        recency (mean days), frequency (mean orders), monetary (mean revenue per customer), then the mean of
        every other clustering feature (columns named as the features).
    centers : one row per cluster, one column per feature: the cluster's mean in scaled space (standard
        deviations from the average customer under standard scaling), for the radar chart.
    projection : up to 3,000 customers on the first two principal components: x, y, cluster.
    """

    enough: bool
    reason: str | None
    k: int
    method: str
    scaling: str
    features: tuple[str, ...]
    customers: int
    fitted_on: int
    silhouette: float | None
    inertia: float | None
    bic: float | None
    explained_variance: tuple[float, ...]
    profile: pd.DataFrame = field(repr=False)
    centers: pd.DataFrame = field(repr=False)
    projection: pd.DataFrame = field(repr=False)

    def to_json(self) -> dict:
        sizes = [] if not self.enough else [
            {"cluster": int(r.cluster), "customers": int(r.customers), "revenue": float(r.revenue),
             "recency": float(r.recency), "frequency": float(r.frequency), "monetary": float(r.monetary)}
            for r in self.profile.itertuples()
        ]
        return {"enough": self.enough, "reason": self.reason, "k": self.k, "method": self.method,
                "scaling": self.scaling, "features": list(self.features), "customers": self.customers,
                "fitted_on": self.fitted_on, "silhouette": self.silhouette, "inertia": self.inertia,
                "bic": self.bic, "sizes": sizes}


def _profile(df: pd.DataFrame, labels: np.ndarray, features: tuple[str, ...], k: int) -> pd.DataFrame:
    extra = [f for f in features if f not in ("recency_days", "orders", "revenue")]
    d = df[["recency_days", "orders", "revenue", *extra]].assign(cluster=labels)
    g = d.groupby("cluster")
    out = pd.DataFrame({
        "customers": g.size(), "revenue": g["revenue"].sum(), "recency": g["recency_days"].mean(),
        "frequency": g["orders"].mean(), "monetary": g["revenue"].mean(),
    }).reindex(range(1, k + 1))
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["revenue"] = out["revenue"].fillna(0.0)
    out["customer_share"] = out["customers"] / max(int(out["customers"].sum()), 1)
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    means = d.groupby("cluster")[["recency_days", "orders", "revenue", *extra]].mean().reindex(range(1, k + 1))
    for f in extra:  # recency_days, orders and revenue are already there as recency, frequency, monetary
        out[f] = means[f]
    out = out.reset_index().rename(columns={"index": "cluster"})
    out["cluster"] = out["cluster"].astype("int64")
    return out


def cluster_customers(store: Store, filters: Filters, *, k: int = 4, method: str = "kmeans",
                      features: tuple[str, ...] = DEFAULT_FEATURES, scaling: str = "log_standard",
                      sample_size: int = SAMPLE_SIZE, seed: int = 0) -> ClusterResult:
    """Cluster the window's buying customers and profile each cluster (see :class:`ClusterResult`)."""
    features = tuple(features)
    df, model, reason = fit_clusters(store, filters, k=k, method=method, features=features, scaling=scaling,
                                     sample_size=sample_size, seed=seed)
    if model is None:
        empty = pd.DataFrame()
        return ClusterResult(False, reason, k, method, scaling, features, len(df), 0, None, None, None, (),
                             empty, empty, empty)
    labels = model.labels_
    profile = _profile(df, labels, features, k)
    rng = np.random.default_rng(seed)
    show = np.sort(rng.choice(len(df), size=min(len(df), 3000), replace=False))
    Xs_fit = model.transform(df.iloc[model.fit_rows_[: min(len(model.fit_rows_), 50_000)]])
    centers = pd.DataFrame(model.transform(df), columns=list(features)).groupby(labels).mean() \
        .reindex(range(1, k + 1))
    centers.index.name = "cluster"
    if len(features) >= 2:
        pca = PCA(n_components=2, random_state=seed).fit(Xs_fit)
        xy = pca.transform(model.transform(df.iloc[show]))
        explained = tuple(float(v) for v in pca.explained_variance_ratio_)
    else:
        x = model.transform(df.iloc[show])[:, 0]
        xy = np.column_stack([x, np.zeros_like(x)])
        explained = (1.0,)
    projection = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "cluster": labels[show],
                               "customer_id": df["customer_id"].to_numpy()[show]})
    return ClusterResult(True, None, k, method, scaling, features, len(df), len(model.fit_rows_),
                         model.silhouette_, model.inertia_, model.bic_, explained, profile,
                         centers.reset_index(), projection)


def cluster_members(store: Store, filters: Filters, *, k: int = 4, method: str = "kmeans",
                    features: tuple[str, ...] = DEFAULT_FEATURES, scaling: str = "log_standard",
                    sample_size: int = SAMPLE_SIZE, seed: int = 0) -> pd.DataFrame:
    """Every buying customer's cluster (1..k), for saving and campaign exports.

    Returns columns: customer_id, name, cluster, recency_days, orders, revenue, then the clustering features
    not already listed. Empty when the window holds too few customers.
    """
    features = tuple(features)
    df, model, _ = fit_clusters(store, filters, k=k, method=method, features=features, scaling=scaling,
                                sample_size=sample_size, seed=seed)
    base = ["customer_id", "name", "cluster", "recency_days", "orders", "revenue"]
    cols = base + [f for f in features if f not in base]
    if model is None:
        return pd.DataFrame(columns=cols)
    return df.assign(cluster=model.labels_)[cols]


@dataclass(frozen=True)
class KScan:
    """Silhouette and elbow figures for each k (to choose k).

    table : k, silhouette (higher is better separated), inertia (within-cluster sum of squares in scaled
        space; look for the elbow), bic (GMM only; lower is better, NaN for k-means).
    """

    enough: bool
    reason: str | None
    method: str
    fitted_on: int
    table: pd.DataFrame = field(repr=False)

    @property
    def best_k(self) -> int | None:
        """The k with the highest silhouette."""
        if not self.enough or self.table["silhouette"].isna().all():
            return None
        return int(self.table.loc[self.table["silhouette"].idxmax(), "k"])


def k_scan(store: Store, filters: Filters, *, method: str = "kmeans",
           features: tuple[str, ...] = DEFAULT_FEATURES, scaling: str = "log_standard", k_min: int = 2,
           k_max: int = 10, sample_size: int = 20_000, seed: int = 0) -> KScan:
    """Fit k = k_min..k_max on one sample of the window's customers; silhouette and elbow per k."""
    df, spec = customer_features(store, filters)
    features = tuple(features)
    _check_options(features, method, scaling, spec.features if spec else BASE_FEATURES)
    k_max = min(k_max, len(df) // MIN_PER_CLUSTER)
    if k_max < k_min:
        return KScan(False, f"at least {k_min * MIN_PER_CLUSTER} buying customers; there are {len(df)}", method,
                     0, pd.DataFrame(columns=["k", "silhouette", "inertia", "bic"]))
    if len(df) > sample_size:
        df = df.sample(n=sample_size, random_state=seed)
    rows = []
    for k in range(k_min, k_max + 1):
        m = CustomerClusters(k=k, method=method, features=features, scaling=scaling, sample_size=sample_size,
                             random_state=seed).fit(df)
        rows.append({"k": k, "silhouette": m.silhouette_, "inertia": m.inertia_, "bic": m.bic_})
    table = pd.DataFrame(rows).astype({"silhouette": "float64", "inertia": "float64", "bic": "float64"})
    return KScan(True, None, method, len(df), table)


@dataclass(frozen=True)
class Stability:
    """Does the segmentation hold up? Agreement (adjusted Rand index, 1 = identical, 0 = chance) with re-fits.

    bootstrap_ari : one ARI per bootstrap re-fit (a model fitted on a resample of the customers, compared
        with the original on the same customers).
    previous_ari : a model fitted on the previous window of equal length, assigning this window's customers,
        compared with this window's clusters; None when there is no previous window or too few customers.
    """

    enough: bool
    reason: str | None
    k: int
    bootstrap_ari: tuple[float, ...]
    previous_ari: float | None
    previous_reason: str | None
    previous_customers: int
    compared_on: int

    @property
    def bootstrap_mean(self) -> float | None:
        return float(np.mean(self.bootstrap_ari)) if self.bootstrap_ari else None

    @property
    def bootstrap_min(self) -> float | None:
        return float(np.min(self.bootstrap_ari)) if self.bootstrap_ari else None

    def to_json(self) -> dict:
        return {"enough": self.enough, "reason": self.reason, "k": self.k,
                "bootstrap_ari": list(self.bootstrap_ari), "bootstrap_mean": self.bootstrap_mean,
                "bootstrap_min": self.bootstrap_min, "previous_ari": self.previous_ari,
                "previous_reason": self.previous_reason, "compared_on": self.compared_on}


def stability(store: Store, filters: Filters, *, k: int = 4, method: str = "kmeans",
              features: tuple[str, ...] = DEFAULT_FEATURES, scaling: str = "log_standard", n_boot: int = 5,
              sample_size: int = 20_000, seed: int = 0) -> Stability:
    """Re-fit on bootstrap resamples and on the previous period; the adjusted Rand index of each against
    this window's clustering, on at most `sample_size` of this window's customers."""
    features = tuple(features)
    df, model, reason = fit_clusters(store, filters, k=k, method=method, features=features, scaling=scaling,
                                     seed=seed)
    if model is None:
        return Stability(False, reason, k, (), None, None, 0, 0)
    rng = np.random.default_rng(seed + 1)
    idx = np.arange(len(df)) if len(df) <= sample_size else np.sort(rng.choice(len(df), sample_size, replace=False))
    sub = df.iloc[idx]
    reference = model.labels_[idx]
    aris = []
    for b in range(n_boot):
        boot = sub.iloc[rng.integers(0, len(sub), len(sub))]
        m = CustomerClusters(k=k, method=method, features=features, scaling=scaling, sample_size=sample_size,
                             random_state=seed + 100 + b).fit(boot)
        aris.append(float(adjusted_rand_score(reference, m.predict(sub))))
    prev_ari, prev_reason, prev_n = None, None, 0
    prev = filters.previous()
    if prev is None:
        prev_reason = "the window is open-ended: choose a date window to compare with the period before it"
    else:
        try:
            pdf, pmodel, preason = fit_clusters(store, prev, k=k, method=method, features=features,
                                                scaling=scaling, seed=seed)
        except ValueError as e:  # a feature the previous period does not have (a category not sold then)
            pdf, pmodel, preason = pd.DataFrame(), None, str(e)
        prev_n = len(pdf)
        if pmodel is None:
            prev_reason = f"previous period: {preason}"
        else:
            prev_ari = float(adjusted_rand_score(reference, pmodel.predict(sub)))
    return Stability(True, None, k, tuple(aris), prev_ari, prev_reason, prev_n, len(sub))
