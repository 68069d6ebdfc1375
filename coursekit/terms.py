"""Key terms of each page, in English and Korean: the one source for every key-terms
box and for the glossary in the appendix.

In a notebook, a cell tagged ``remove-input`` renders a chapter's box::

    from coursekit.terms import key_terms
    key_terms("01_perceptron/perceptron")
"""

from __future__ import annotations

#: page (chapter folder/notebook) -> [(English term, Korean term as the course notes write it, one-line meaning)]
TERMS: dict[str, list[tuple[str, str, str]]] = {
    "01_perceptron/perceptron": [
        ("perceptron (single-layer)", "단층 퍼셉트론", "a weighted sum of the inputs plus a bias, passed through a step function"),
        ("weight, bias", "가중치, 편향", "the learned numbers: how much each input counts, and where the threshold sits"),
        ("step activation / threshold", "계단 함수 / 임계값", "outputs 1 when the net input reaches the threshold, else 0"),
        ("learning rule", "학습 규칙", "w ← w + η(y − ŷ)x: change the weights only after a mistake"),
        ("linearly separable", "선형 분리 가능", "a straight line (hyperplane) separates the classes; AND and OR are, XOR is not"),
    ],
    "01_perceptron/gradient_descent": [
        ("logistic unit", "로지스틱 유닛", "a neuron with a sigmoid instead of a step, so the loss has a useful gradient"),
        ("gradient descent", "경사 하강법", "move the parameters a small step against the gradient of the loss"),
        ("stochastic gradient descent (SGD)", "확률적 경사 하강법", "one update per randomly chosen sample"),
        ("mini-batch gradient descent", "미니 배치 경사 하강법", "one update per random batch of samples; what 'SGD' usually means in practice"),
        ("full-batch gradient descent", "배치 경사 하강법", "one update per pass over the whole training set"),
        ("epoch", "에포크", "one pass over the whole training set"),
        ("learning rate", "학습률", "η, the size of each step"),
    ],
    "02_mlp/mlp": [
        ("multi-layer perceptron (MLP)", "다층 퍼셉트론", "layers of perceptron-like units, each layer's outputs feeding the next, with a nonlinear activation in between"),
        ("input layer, output layer", "입력층, 출력층", "the layer that receives the data and the layer that gives the prediction"),
        ("hidden layer", "은닉층", "a layer between input and output; its units compute features that no label names"),
        ("artificial neural network (ANN)", "인공 신경망", "in the course notes: a network with one hidden layer"),
        ("deep neural network (DNN)", "심층 신경망", "a network with two or more hidden layers"),
        ("fully connected (dense) layer", "완전 연결층", "every output is a weighted sum of every input plus a bias, out = xW + b (nn.Linear, keras Dense)"),
    ],
    "02_mlp/overfitting": [
        ("overfitting", "과적합", "the model learns its training set, noise included, and gets worse on new data: validation loss rises while training loss falls"),
        ("underfitting", "과소적합", "the model is too small, or trained too briefly, to fit even its training set"),
        ("validation set", "검증 세트", "held-out data, never trained on, that measures generalisation during training"),
        ("capacity: width and depth", "모델 용량: 너비와 깊이", "how complex a function a network can represent: more units per layer, or more layers"),
    ],
    "02_mlp/images": [
        ("flatten", "평탄화", "reshape an h×w×c image into a vector of h·w·c numbers, the input an MLP needs"),
        ("parameter count", "매개변수 수", "the number of weights and biases; a dense layer from n_in to n_out units has (n_in + 1)·n_out"),
        ("spatial structure", "공간 구조", "which pixels are neighbours; an MLP's output does not change if all images get the same pixel shuffle"),
    ],
    "03_backprop/backprop": [
        ("partial derivative", "편미분", "∂f/∂x: how fast f changes when only x moves and every other input is held fixed"),
        ("chain rule", "연쇄 법칙", "the derivative of a composition is the product of the local derivatives along a path, summed over the paths"),
        ("computational graph", "계산 그래프", "a computation drawn as operations (nodes) and the values flowing between them (edges)"),
        ("forward pass", "순전파", "evaluating the graph from the inputs to the output, keeping every intermediate value"),
        ("backpropagation", "역전파", "the backward pass from the loss to the inputs: upstream gradient × local derivative at every node"),
    ],
    "03_backprop/layers": [
        ("gradient", "기울기", "all partial derivatives of the loss with respect to an array, in the shape of that array"),
        ("upstream gradient (dout)", "상류 기울기", "∂L/∂(a layer's output): what the layer's backward pass receives"),
        ("local derivative", "국소적 미분", "the derivative of one node's output with respect to its own input, e.g. σ(x)(1 − σ(x))"),
        ("logits", "로짓", "a classifier's raw scores before softmax; the loss gradient is (softmax(z) − one-hot) / n"),
    ],
    "03_backprop/mlp": [
        ("training step", "학습 단계", "one mini-batch: forward pass, loss, backward pass, parameter update"),
        ("test accuracy", "테스트 정확도", "the share of unseen test samples classified correctly"),
        ("learned features", "학습된 특징", "the input patterns the hidden units respond to, found by backpropagation"),
    ],
    "03_backprop/gradcheck": [
        ("gradient checking", "기울기 확인", "comparing a backward pass with an independent estimate of the same gradient"),
        ("numerical differentiation", "수치 미분", "the centred finite difference (f(x + ε) − f(x − ε)) / 2ε: slow, but independent"),
        ("relative error", "상대 오차", "the difference of two gradients divided by their size; below 1e-7 in float64 means they agree"),
        ("rounding error", "반올림 오차", "the error of finite-precision arithmetic: about 1e-16 in float64, 1e-7 in float32"),
        ("reverse-mode automatic differentiation", "역방향 자동 미분", "what autograd and GradientTape do: backpropagation on a recorded graph"),
    ],
    "04_activations/activations": [
        ("activation function", "활성화 함수", "the nonlinear function applied to a layer's weighted sums; without it, stacked layers collapse into one linear map"),
        ("sigmoid", "시그모이드 함수", "σ(x) = 1/(1 + e^−x), in (0, 1): the output of a binary (or multi-label) classifier"),
        ("hyperbolic tangent (tanh)", "하이퍼볼릭 탄젠트 (쌍곡탄젠트)", "(e^x − e^−x)/(e^x + e^−x), in (−1, 1): a zero-centred sigmoid, 2σ(2x) − 1"),
        ("ReLU", "렐루 함수", "max(x, 0): the default activation of hidden layers"),
        ("dead ReLU", "죽은 렐루", "a ReLU unit whose weighted sum is negative for every input: its gradient is 0, so it never learns again"),
        ("leaky ReLU", "리키 렐루", "x for x > 0, else a·x with a small slope a, so a unit never stops learning entirely"),
        ("ELU, GELU, SiLU", "ELU, GELU, SiLU (스위시)", "smooth ReLU-like activations whose negative side is small and nonzero; GELU is the transformers' default"),
        ("softmax", "소프트맥스 함수", "e^z_i / Σ_j e^z_j: k scores into k probabilities that sum to 1, the output of a multi-class classifier"),
        ("saturation", "포화", "the flat tails of sigmoid and tanh, where the derivative is almost 0"),
    ],
    "04_activations/vanishing_gradients": [
        ("vanishing gradient", "기울기 소실", "gradients shrink layer by layer on the way back, so the first layers of a deep network barely learn"),
        ("exploding gradient", "기울기 폭발", "the opposite: gradients grow layer by layer and training blows up"),
        ("gradient norm", "기울기 노름", "‖∂L/∂W‖, the length of a layer's weight gradient: how hard that layer is pushed to change"),
        ("gradient clipping", "기울기 클리핑", "rescale the gradient when its norm exceeds a threshold, so one bad batch cannot blow training up"),
    ],
    "05_losses/losses": [
        ("loss function", "손실 함수", "one number that measures how wrong the predictions are; training minimises it"),
        ("mean squared error (MSE)", "평균제곱오차", "the mean of (ŷ − y)²: the loss for regression"),
        ("cross-entropy", "교차 엔트로피", "H(p, q) = −Σ p log q: how far the predicted distribution q is from the target p; the loss for classification"),
        ("binary / categorical cross-entropy", "이진 / 범주형 교차 엔트로피", "cross-entropy of one sigmoid output (yes/no) / of a softmax over k classes: −log of the true class's probability"),
        ("from logits", "로짓 입력", "a loss that applies the sigmoid or softmax itself, stably; Keras losses expect probabilities unless from_logits=True"),
        ("entropy", "엔트로피", "H(p) = −Σ p log p: the uncertainty of p, the smallest cross-entropy any prediction can reach"),
        ("KL divergence", "KL 발산 (쿨백-라이블러 발산)", "KL(p‖q) = Σ p log(p/q) = H(p, q) − H(p) ≥ 0; 0 only when q = p, and not symmetric"),
        ("label smoothing", "레이블 스무딩", "moving a little of the target's probability from the true class to the others"),
        ("CTC loss", "CTC 손실", "connectionist temporal classification: the loss for output sequences whose alignment with the input is unknown"),
    ],
    "05_losses/focal_loss": [
        ("class imbalance", "부류 불균형", "one class far rarer than the others, so its errors barely move the average loss"),
        ("focal loss", "포컬 손실", "cross-entropy times (1 − p_t)^γ: easy, well-classified examples count less (RetinaNet, 2017)"),
        ("focusing parameter γ", "집중 파라미터 γ", "how strongly focal loss discounts easy examples; γ = 0 gives cross-entropy back"),
        ("class weight α", "부류 가중치 α", "the weight of the positive class (1 − α for the negatives) in a weighted loss"),
        ("recall, precision", "재현율, 정밀도", "the share of true positives that are found / the share of predicted positives that are true"),
    ],
    "06_optimizers/optimizers": [
        ("optimizer", "옵티마이저", "the rule that turns gradients into parameter updates"),
        ("momentum", "모멘텀", "a running sum of past gradients: steps keep their direction and zigzags cancel"),
        ("Nesterov momentum", "네스테로프 모멘텀", "momentum that takes the gradient after the momentum step, looking ahead"),
        ("adaptive learning rate", "적응적 학습률", "a step size for each parameter, scaled down where its gradients have been large"),
        ("AdaGrad", "AdaGrad", "divides by the root of the sum of all squared gradients, so its step decays towards 0"),
        ("exponentially weighted average", "지수 가중 평균", "v ← ρv + (1 − ρ)x: recent values count most, old ones fade by ρ per step"),
        ("RMSProp", "RMSProp", "divides by the root of an exponentially weighted average of squared gradients"),
        ("Adam", "Adam", "momentum + RMSProp, with bias correction of both averages"),
        ("bias correction", "편향 보정", "dividing by 1 − β^t undoes the pull towards 0 of an average that starts at 0"),
    ],
    "06_optimizers/frameworks": [
        ("default hyper-parameters", "기본 하이퍼파라미터", "what an optimizer uses when you pass nothing; PyTorch's and Keras's often differ"),
        ("epsilon (ε)", "엡실론", "a small constant that keeps a division finite; where it sits differs between PyTorch and Keras"),
        ("weight decay", "가중치 감쇠", "shrinking the weights a little every step: added to the gradient (PyTorch) or applied directly (Keras, AdamW)"),
        ("learning-rate schedule", "학습률 스케줄", "changing the learning rate during training"),
    ],
    "08_cnn/cnn": [
        ("convolutional neural network (CNN)", "합성곱 신경망", "a network whose layers slide small learned filters over the image instead of connecting every pixel to every unit"),
        ("receptive field", "수용장", "the patch of the input that one unit (a neuron, or one output pixel of a layer) depends on"),
        ("filter", "필터", "a small array of weights slid over an image; each position gives the weighted sum of the pixels under it"),
        ("cross-correlation, convolution", "상호 상관, 합성곱", "sliding a kernel as it is / flipped in both directions; CNN layers compute the first and call it convolution"),
        ("Gaussian smoothing", "가우시안 스무딩", "averaging with weights exp(−r²/2σ²) that fall off with the distance r: blurs noise away"),
        ("Sobel filter", "소벨 에지", "differences of smoothed neighbouring rows (or columns): large on edges, 0 on flat regions"),
        ("Canny edge detector", "케니 에지", "Gaussian, Sobel, non-maximum suppression and two thresholds with hysteresis: thin connected edges (1986)"),
    ],
    "08_cnn/convolution": [
        ("kernel", "커널", "the k×k weights of one filter for one input channel; a filter holds one kernel per input channel"),
        ("channel", "채널", "one of the stacked 2-D arrays of an image or feature map (3 for RGB, one per filter after a layer)"),
        ("feature map", "특징 맵", "the output of one filter over the whole input; a layer with k′ filters outputs k′ feature maps"),
        ("stride", "스트라이드", "how many pixels the window moves between outputs (보폭); stride s divides the output size by about s"),
        ("padding", "패딩", "values added around the input (usually zeros, 0 덧대기) so the window can centre on border pixels"),
        ("weight sharing", "가중치 공유", "every position of a feature map is computed with the same filter weights"),
        ("partial connectivity", "부분 연결성", "each output depends only on the k×k×c inputs of its window, not on the whole image"),
        ("im2col", "im2col", "copy every receptive field into one row of a matrix, so the whole convolution is one matrix product"),
        ("multiply-accumulate (MAC)", "곱셈-누산", "one product added to a sum; a convolution does h′·w′·k′·(c·k·k) of them, counted as 2 FLOPs each"),
    ],
    "08_cnn/pooling": [
        ("pooling", "풀링", "summarising each window of a feature map by one number; shrinks the map and has no weights"),
        ("max pooling, average pooling", "최대 풀링, 평균 풀링", "the largest value / the mean of each window"),
        ("global average pooling (GAP)", "전역 평균 풀링", "the mean of each whole channel: (n, c, h, w) → (n, c), replacing flatten before the classifier"),
        ("1×1 convolution (pointwise)", "1×1 합성곱", "a dense layer from c_in to c_out channels applied at every pixel; changes depth, not size"),
        ("C-P-C-P-C-FC-FC", "C-P-C-P-C-FC-FC", "the classic CNN pattern: convolutions and pooling shrink the map and deepen it, dense layers classify"),
    ],
    "08_cnn/lenet": [
        ("LeNet-5", "LeNet-5", "LeCun et al.'s 1998 digit recogniser: two 5×5 convolutions with pooling, three dense layers, 61,706 weights"),
        ("learned filter", "학습된 필터", "a kernel whose numbers come from gradient descent rather than from a designer"),
    ],
    "08_cnn/history": [
        ("Neocognitron", "네오코그니트론", "Fukushima's 1980 network of alternating feature-extracting and pooling-like layers, inspired by the visual cortex"),
        ("AlexNet", "AlexNet", "the 2012 ILSVRC winner: 5 convolutional + 3 dense layers, about 60 million parameters, trained on two GPUs"),
    ],
    "09_pretrained/architectures": [
        ("ImageNet / ILSVRC", "이미지넷 / ILSVRC", "about 14 M labelled photographs; its challenge used 1,000 classes and ~1.28 M training images"),
        ("top-5 error", "top-5 오류율", "the share of images whose true class is not among the model's five most probable classes"),
        ("residual learning", "잔차 학습", "layers learn the correction F(x) = H(x) − x and the block outputs F(x) + x"),
        ("skip connection", "스킵 연결", "a path that carries a block's input around its layers and adds it to their output"),
        ("identity mapping", "항등 매핑", "the skip path passes x unchanged, so a block can do nothing by pushing F to zero"),
        ("Inception block", "인셉션 모듈", "1×1, 3×3, 5×5 convolutions and pooling in parallel, concatenated along the channels"),
    ],
    "09_pretrained/transfer": [
        ("pretrained model", "사전 학습 모델", "a network already trained on a large source task, reused with its weights"),
        ("backbone", "백본", "the feature-extracting part of a network (everything but the classifier head)"),
        ("transfer learning", "전이 학습", "reusing what a model learned on one task to learn another with less data"),
        ("preprocessing", "전처리", "the input scaling a backbone was trained with (and must be fed again): range, mean, channel order"),
    ],
    "09_pretrained/fine_tuning": [
        ("feature extraction", "특징 추출", "freeze the backbone and train only a new head on its features"),
        ("fine-tuning", "미세 조정", "unfreeze (part of) the pretrained backbone and train it further with a small learning rate"),
        ("freezing", "동결", "excluding weights from training: requires_grad=False (PyTorch), trainable=False (Keras)"),
    ],
    "10_detection/detection": [
        ("object detection", "객체 탐지", "finding every object in an image: a box, a class label and a confidence score for each"),
        ("bounding box", "경계 상자", "the smallest axis-aligned rectangle around an object: (x₀, y₀, x₁, y₁) corners, or corner/centre and size"),
        ("intersection over union (IoU)", "교집합 대 합집합 비 (IoU)", "the area two boxes (or masks) share divided by the area they cover together, in [0, 1]"),
        ("confidence score", "신뢰도 점수", "how sure the detector is that a box holds an object of its class; detections are ranked by it"),
        ("non-maximum suppression (NMS)", "비최대 억제", "keep the best-scoring box, drop the boxes overlapping it by IoU > a threshold, repeat"),
        ("collate function", "콜레이트 함수", "how a DataLoader turns a list of samples into a batch; for detection it keeps ragged targets as a list"),
    ],
    "10_detection/map": [
        ("true / false positive (detection)", "참 양성 / 거짓 양성", "a detection matched to a still unmatched true box of its class with IoU ≥ the threshold / one that is not"),
        ("precision–recall curve", "정밀도-재현율 곡선", "precision against recall as the detections are taken in decreasing score"),
        ("average precision (AP)", "평균 정밀도", "the area under one class's interpolated precision–recall curve"),
        ("interpolated precision", "보간 정밀도", "the best precision at this recall or any higher one: the curve made non-increasing"),
        ("mean average precision (mAP)", "평균 정밀도의 평균 (mAP)", "AP averaged over the classes; COCO also averages over IoU thresholds 0.50, 0.55, …, 0.95"),
    ],
    "10_detection/yolo": [
        ("YOLO (You Only Look Once)", "YOLO", "a one-stage detector: one network maps the image to an S×S×(5B + C) grid of boxes and class probabilities"),
        ("grid cell", "격자 셀", "one of the S×S parts of the image; the cell holding an object's centre is responsible for it"),
        ("one-stage vs two-stage detector", "1단계 / 2단계 탐지기", "boxes straight from one forward pass (YOLO) vs proposals first, then a classifier per proposal (R-CNN)"),
        ("responsible predictor", "담당 예측기", "of a cell's B boxes, the one with the highest IoU with the true box: only it is trained to fit that box"),
        ("YOLO loss", "YOLO 손실", "a sum of squared errors: λcoord-weighted coordinates (√w, √h), confidences (λnoobj where no object) and classes"),
    ],
    "00_tools/deep_learning": [
        ("deep learning", "딥러닝", "machine learning with many-layered neural networks whose features are all learned from data"),
        ("artificial neuron", "인공 뉴런", "a unit that weighs its inputs, sums them and fires (outputs 1) when the sum reaches its threshold"),
        ("GPU", "그래픽 처리 장치 (GPU)", "a processor with thousands of arithmetic units; it runs the matrix products of training in parallel"),
        ("FLOP/s", "초당 부동소수점 연산", "floating-point operations per second; an n × n matrix product costs 2n³ of them"),
        ("device", "디바이스", "where a tensor lives and its operations run: \"cpu\" or \"cuda\"; PyTorch moves data with .to(device)"),
    ],
    "00_tools/tensors": [
        ("tensor", "텐서", "an n-dimensional array with one dtype and a shape; the data and the weights of every network"),
        ("shape, rank", "형상, 차원 수", "the size along each axis, e.g. (n, c, h, w); the rank is the number of axes"),
        ("dtype", "데이터 타입", "the number type of every element: float32 for training, uint8 for stored images, int64 for labels"),
        ("channels-first / channels-last (NCHW / NHWC)", "채널 우선 / 채널 마지막", "where the colour axis sits in a batch of images: PyTorch (n, c, h, w), Keras (n, h, w, c)"),
        ("broadcasting", "브로드캐스팅", "stretching axes of size 1 (or missing leading axes) so that arrays of different shapes combine elementwise"),
    ],
    "00_tools/autodiff": [
        ("automatic differentiation", "자동 미분", "computing exact derivatives of a program by applying the chain rule to each operation it recorded"),
        ("reverse mode", "역방향 모드", "autodiff from the output back to the inputs: one backward pass gives the gradient for every input"),
        ("directed acyclic graph (DAG)", "방향성 비순환 그래프", "nodes joined by arrows with no cycle; a computation with ops as nodes and tensors as edges is one"),
        ("topological order", "위상 정렬", "an order of a DAG's nodes in which every node comes after all of its inputs"),
        ("gradient tape", "그래디언트 테이프", "TensorFlow's record of the operations run inside `with tf.GradientTape()`, replayed backwards"),
        ("eager execution", "즉시 실행", "running each operation as the Python line is reached, recording the graph only for the backward pass"),
        ("tf.function, tracing", "tf.function, 트레이싱", "running a function once on symbolic tensors to record its graph of operations, then running that graph"),
    ],
    "00_tools/workflow": [
        ("compile", "컴파일", "Keras: attach a loss, an optimizer and metrics to a model before fit"),
        ("fit / evaluate / predict", "학습 / 평가 / 예측", "Keras's training loop, its test-set measurement, and its inference on new inputs"),
        ("training loop", "학습 루프", "PyTorch: the for-loops over epochs and batches that call forward, backward and step by hand"),
        ("validation split", "검증 분할", "Keras's validation_split=f holds out the last fraction f of the arrays, before any shuffling"),
    ],
    "11_segmentation/segmentation": [
        ("image segmentation", "영상 분할", "labelling every pixel of an image"),
        ("semantic segmentation", "시맨틱 분할", "a class for every pixel; two touching objects of one class merge into one region"),
        ("instance segmentation", "인스턴스 분할", "a separate mask for every object, even of the same class"),
        ("mean IoU (pixels)", "평균 IoU", "per class TP / (TP + FP + FN) over the pixels, averaged over the classes"),
        ("Dice coefficient", "다이스 계수", "2 TP / (2 TP + FP + FN) = 2|A ∩ B| / (|A| + |B|); the F1 score of the pixels"),
        ("global vs per-image averaging", "전체 / 이미지별 평균", "count the pixels of all images together, or score each image and average the scores: not the same number"),
    ],
    "11_segmentation/fcn": [
        ("fully convolutional network (FCN)", "완전 합성곱 신경망", "a network of convolutions only: no dense layer, so it outputs a map of scores for any input size"),
        ("transposed convolution", "전치 합성곱", "learned upsampling: every input pixel stamps a weighted copy of the kernel onto a larger output"),
        ("upsampling", "업샘플링", "enlarging a feature map back towards the input size (transposed convolution, or interpolation)"),
    ],
    "11_segmentation/unet": [
        ("U-Net", "U-Net", "an encoder-decoder for segmentation whose decoder concatenates the encoder's feature maps of the same size"),
        ("encoder, decoder", "인코더, 디코더", "the contracting path (convolutions and pooling: what) and the expanding path (up-convolutions: where)"),
        ("copy and crop", "복사 후 자르기", "U-Net's skip connection: the encoder's map, cropped to the decoder's size, concatenated to it"),
        ("valid convolution", "유효 합성곱", "a convolution without padding: each 3×3 layer loses one pixel on each side (572 → 388 in U-Net)"),
    ],
    "11_segmentation/mask_rcnn": [
        ("Mask R-CNN", "Mask R-CNN", "Faster R-CNN (a two-stage detector) plus a small network that predicts a mask inside every detected box"),
        ("region proposal network (RPN)", "영역 제안 네트워크", "the first stage: scores anchor boxes on the feature map as object or not, and refines them"),
        ("RoIAlign", "RoIAlign", "cuts a fixed-size feature patch out of the feature map for each proposal, with bilinear sampling"),
        ("RoIPool", "RoIPool", "Fast R-CNN's patch cutter: rounds the box and its bins to whole feature cells and takes each bin's maximum"),
        ("mask AP", "마스크 AP", "COCO average precision with mask IoU in place of box IoU (pycocotools' iouType=\"segm\")"),
        ("feature pyramid network (FPN)", "특징 피라미드 네트워크", "feature maps at several scales with top-down connections, so small and large objects are both found"),
    ],
    "12_autoencoders/autoencoders": [
        ("autoencoder", "오토인코더", "an encoder and a decoder trained to reproduce their own input through a narrow code"),
        ("bottleneck", "병목", "the narrow middle layer whose few numbers must carry everything the decoder needs"),
        ("unsupervised learning", "비지도 학습", "learning from inputs without labels; an autoencoder's targets are its inputs"),
        ("latent space", "잠재 공간", "the space of the codes an encoder produces; each point decodes to an output"),
        ("denoising autoencoder", "잡음 제거 오토인코더", "an autoencoder fed corrupted inputs and trained to output the clean ones"),
    ],
    "12_autoencoders/vae": [
        ("variational autoencoder (VAE)", "변분 오토인코더", "an autoencoder whose encoder outputs a Gaussian (μ, σ²) per input and whose codes are pulled towards N(0, I)"),
        ("reparameterisation trick", "재매개변수화", "z = μ + σ·ε with ε ~ N(0, I): the sample becomes a function of μ and σ, so gradients reach the encoder"),
        ("evidence lower bound (ELBO)", "증거 하한", "reconstruction log-likelihood minus KL(q(z|x) ‖ p(z)); a VAE maximises it"),
        ("prior", "사전 분포", "p(z) = N(0, I), the distribution new codes are drawn from when generating"),
        ("posterior collapse", "사후 분포 붕괴", "the KL term wins: every code equals the prior, the decoder ignores z and outputs an average image"),
    ],
    "13_gans/gans": [
        ("generative adversarial network (GAN)", "생성적 적대 신경망", "a generator and a discriminator trained against each other (Goodfellow et al., 2014)"),
        ("generator", "생성자", "G(z): turns random noise z into a sample that should look like the data"),
        ("discriminator", "판별자", "D(x): the probability (from a logit) that x is real data rather than G's output"),
        ("minimax game", "미니맥스 게임", "min over G, max over D of E log D(x) + E log(1 − D(G(z)))"),
        ("non-saturating loss", "비포화 손실", "the generator minimises −log D(G(z)) instead of log(1 − D(G(z))), so it still learns when D wins"),
        ("mode collapse", "모드 붕괴", "the generator produces only a few kinds of samples (modes) of the data, often hopping between them"),
    ],
    "13_gans/dcgan": [
        ("DCGAN", "DCGAN (심층 합성곱 GAN)", "a GAN of strided (transposed) convolutions with batch norm and no pooling (Radford et al., 2016)"),
        ("conditional GAN", "조건부 GAN", "generator and discriminator both receive a label, so one asks for a chosen class"),
        ("critic (WGAN)", "비평자", "WGAN's discriminator: an unbounded score whose gap between real and fake estimates the Wasserstein distance"),
        ("Wasserstein distance", "바서슈타인 거리", "the earth mover's distance: how much probability mass must move how far to turn one distribution into another"),
        ("gradient penalty", "기울기 페널티", "WGAN-GP: λ(‖∇D(x̂)‖ − 1)² at random mixes x̂ of real and fake, instead of clipping the weights"),
        ("cycle-consistency loss", "순환 일관성 손실", "CycleGAN: translating A→B→A (and B→A→B) must give back the input, ‖F(G(a)) − a‖₁"),
    ],
    "13_gans/wgan": [
        ("Lipschitz constraint", "립시츠 조건", "|C(x) − C(y)| ≤ K‖x − y‖: the critic's slope is bounded; with K = 1 its real-minus-fake gap estimates the Wasserstein distance"),
        ("weight clipping", "가중치 클리핑", "WGAN's way to bound the critic's slope: every weight forced into [−c, c] after each step"),
        ("n_critic", "비평자 반복 수", "critic steps per generator step (5 in WGAN and WGAN-GP), so that the critic stays near its best"),
    ],
    "13_gans/cyclegan": [
        ("unpaired image-to-image translation", "짝 없는 영상 변환", "learning to turn images of domain A into domain B from a set of each, with no image given its translation"),
        ("least-squares GAN (LSGAN)", "최소 제곱 GAN", "a GAN whose players minimise squared errors, (D(real) − 1)² + D(fake)² and (D(fake) − 1)², instead of cross-entropies"),
        ("PatchGAN", "PatchGAN (패치 판별자)", "a discriminator that scores every patch of an image instead of the whole image, so it judges local texture and style"),
    ],
    "07_training/initialization": [
        ("weight initialization", "가중치 초기화", "how the weights are drawn before training; it sets the scale of activations and gradients"),
        ("Xavier / Glorot initialization", "자비에(글로럿) 초기화", "Var(w) = 2 / (fan_in + fan_out); for tanh, sigmoid and linear layers; Keras's default (uniform)"),
        ("He (Kaiming) initialization", "He 초기화", "Var(w) = 2 / fan_in, for ReLU layers, which zero half of their inputs"),
        ("fan-in, fan-out", "입력 수, 출력 수", "the number of inputs and outputs of one unit (for a convolution, times the kernel size)"),
    ],
    "07_training/batchnorm": [
        ("batch normalization", "배치 정규화", "normalise each feature over the batch, then scale by γ and shift by β; running statistics at inference"),
        ("running (moving) statistics", "이동 평균 통계", "the exponential averages of the batch means and variances used at inference"),
        ("training / inference mode", "학습 모드 / 추론 모드", "model.train() / model.eval() in PyTorch, training=True / False in Keras"),
    ],
    "07_training/regularization": [
        ("regularization", "규제", "anything that lowers overfitting without more data: a weight penalty, dropout, early stopping, augmentation"),
        ("L1 / L2 regularization", "L1 / L2 규제", "adding λΣ|w| or λΣw² to the loss; L2 pulls every weight towards 0"),
        ("dropout", "드롭아웃", "zero each activation with probability p during training and scale the rest by 1/(1 − p)"),
        ("early stopping", "조기 멈춤", "stop training when the validation loss has not improved for a few epochs; keep the best weights"),
        ("batch size", "배치 크기", "the number of samples per gradient step; smaller batches give noisier gradients and more steps per epoch"),
    ],
    "07_training/augmentation": [
        ("data augmentation", "데이터 증강", "training on randomly transformed copies of the images (flips, crops, rotations, colour changes)"),
        ("online / offline augmentation", "온라인 / 오프라인 증강", "transforming each batch anew as it is loaded, or storing a fixed enlarged dataset once"),
        ("input scaling", "입력 스케일링", "mapping the inputs to a standard range: 0–1, −1–1, or zero mean and unit variance (z-score)"),
    ],
    "07_training/models_callbacks": [
        ("Sequential API", "Sequential API", "a model as a list of layers, each feeding the next: one input, one output, no branch"),
        ("Functional API", "함수형 API", "layers called on tensors, then keras.Model(inputs, outputs): any graph, e.g. a skip or several inputs"),
        ("model subclassing", "모델 서브클래싱", "a class with the layers in __init__ and the computation in forward (nn.Module) or call (keras.Model)"),
        ("callback", "콜백", "an object whose methods fit calls at fixed moments (e.g. each epoch's end) to watch or steer training"),
        ("model checkpoint", "모델 체크포인트", "the model or its weights saved during training; save_best_only keeps the best epoch's"),
        ("ReduceLROnPlateau", "ReduceLROnPlateau (정체 시 학습률 감소)", "multiply the learning rate by factor once the monitored loss has stopped improving"),
        ("patience, cooldown", "patience, cooldown", "epochs without improvement to wait before acting; epochs to ignore after a learning-rate cut"),
        ("absolute / relative threshold", "절대 / 상대 임계값", "an improvement must beat best − δ (Keras's min_delta) or best · (1 − τ) (torch's default)"),
    ],
}

#: chapter folder topic -> its name in the glossary, where capitalising the folder name is not enough
CHAPTER_NAMES = {"autoencoders": "Autoencoders and VAEs", "gans": "GANs", "tools": "Tools: tensors and automatic differentiation", "training": "Training deep networks",
                 "detection": "Object detection", "segmentation": "Segmentation", "backprop": "Backpropagation", "mlp": "Multi-layer perceptron",
                 "activations": "Activation functions", "losses": "Loss functions", "cnn": "Convolutional networks"}

#: the 19 initial consonants of Hangul syllables, in 가나다 order (Unicode orders syllables the same way)
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"


class Rendered:
    """A table for a notebook output: Markdown for Jupyter, Colab and the book, plain text for nbval."""

    def __init__(self, markdown: str, text: str) -> None:
        self.markdown, self.text = markdown, text

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _page_title(page: str) -> str:
    """``"01_perceptron/gradient_descent"`` -> ``"1. Perceptron · gradient descent"``."""
    folder, name = page.split("/")
    number, _, topic = folder.partition("_")
    chapter = f"{int(number)}. {CHAPTER_NAMES.get(topic, topic.replace('_', ' ').capitalize())}"
    return chapter if name == topic else f"{chapter} · {name.replace('_', ' ')}"


def _page_link(page: str) -> str:
    """A Markdown link from ``book/appendix/`` to the page; Jupyter and the book both follow it."""
    return f"[{_page_title(page)}](../{page}.ipynb)"


def _terms(page: str) -> list[tuple[str, str, str]]:
    if page not in TERMS:
        raise KeyError(f"no key terms for page {page!r}; known: {sorted(TERMS)}")
    return TERMS[page]


def key_terms_markdown(page: str) -> str:
    """The key-terms box of ``page``: a title line and a Markdown table (no Sphinx or MyST directive)."""
    rows = [f"| **{_cell(en)}** | {_cell(ko)} | {_cell(meaning)} |" for en, ko, meaning in _terms(page)]
    return "\n".join(['<div class="key-terms">', "", "**Key terms · 핵심 용어**", "",
                      "| English | 한국어 | meaning |", "|---|---|---|", *rows, "", "</div>", ""])


def key_terms(page: str) -> Rendered:
    """The key-terms box of ``page``, for the last cell of a notebook (tagged ``remove-input``)."""
    text = "\n".join(["Key terms · 핵심 용어", *(f"- {en} · {ko}: {meaning}" for en, ko, meaning in _terms(page))])
    return Rendered(key_terms_markdown(page), text)


def _all_terms() -> list[tuple[str, str, str, str]]:
    """Every ``(English, Korean, meaning, page)`` of the course."""
    return [(en, ko, meaning, page) for page, terms in TERMS.items() for en, ko, meaning in terms]


def hangul_initial(word: str) -> str:
    """The index letter of ``word`` in a 가나다 index: its initial consonant (``"경사"`` -> ``"ㄱ"``).

    Words that do not start with a Hangul syllable (``"Adam"``, ``"KL 발산"``) get ``"A–Z"``.
    """
    code = ord(word[0]) - 0xAC00
    return _INITIALS[code // 588] if 0 <= code < 11172 else "A–Z"


def hangul_key(word: str) -> tuple[int, str]:
    """Sort key of a 가나다 index: Hangul words in dictionary order, then the others alphabetically."""
    return (0, word) if hangul_initial(word) != "A–Z" else (1, word.lower())


def glossary_markdown() -> str:
    """Every term in one table sorted by the English term, each linked to the page that defines it."""
    rows = sorted(_all_terms(), key=lambda r: r[0].lower())
    lines = ["| English | 한국어 | meaning | page |", "|---|---|---|---|"]
    lines += [f"| **{_cell(en)}** | {_cell(ko)} | {_cell(meaning)} | {_page_link(page)} |" for en, ko, meaning, page in rows]
    return "\n".join(lines) + "\n"


def glossary_korean_markdown() -> str:
    """The 가나다 index: every term sorted by its Korean name, grouped by initial consonant, with its meaning
    (the Korean edition's glossary, where it comes first)."""
    rows = sorted(_all_terms(), key=lambda r: hangul_key(r[1]))
    lines = ["| | 한국어 | English | meaning | page |", "|---|---|---|---|---|"]
    previous = None
    for en, ko, meaning, page in rows:
        initial = hangul_initial(ko)
        letter, previous = ("**" + initial + "**" if initial != previous else ""), initial
        lines.append(f"| {letter} | {_cell(ko)} | {_cell(en)} | {_cell(meaning)} | {_page_link(page)} |")
    return "\n".join(lines) + "\n"


def glossary() -> Rendered:
    """The glossary sorted by English, for a notebook cell."""
    text = "\n".join(f"{en} · {ko}: {meaning} ({_page_title(page)})"
                     for en, ko, meaning, page in sorted(_all_terms(), key=lambda r: r[0].lower()))
    return Rendered(glossary_markdown(), text)


def glossary_korean() -> Rendered:
    """The 가나다 index of the glossary, for a notebook cell."""
    text = "\n".join(f"{hangul_initial(ko)} {ko} · {en} ({_page_title(page)})"
                     for en, ko, _, page in sorted(_all_terms(), key=lambda r: hangul_key(r[1])))
    return Rendered(glossary_korean_markdown(), text)
